import type { TableDefinition } from '../storage/ensure-table';

/** One item per key and window: pk `<key>#<window start ms>`, a hit counter, TTL expiresAt. */
export function rateLimitTable(tableName: string): TableDefinition {
  return {
    ttlAttribute: 'expiresAt',
    create: {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    },
  };
}
