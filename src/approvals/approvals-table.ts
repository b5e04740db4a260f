import type { TableDefinition } from '../storage/ensure-table';

/**
 * License requests and the one-open-request-per-user marker:
 *   pk REQUEST#<id>         sk REQUEST   the request and its status
 *   pk OPEN#<user>          sk OPEN      which request is the user's open one (overwritten, never deleted)
 * purgeAt (epoch seconds) is the TTL attribute: requests are kept for a while after they close.
 */
export function approvalsTable(tableName: string): TableDefinition {
  return {
    ttlAttribute: 'purgeAt',
    create: {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    },
  };
}
