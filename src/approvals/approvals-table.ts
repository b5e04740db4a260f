import type { TableDefinition } from '../storage/ensure-table';

/** The index of requests by list: the pending queue, and each person's requests once decided. */
export const BY_LIST_INDEX = 'by-list';

/**
 * License requests and the one-open-request-per-user marker:
 *   pk REQUEST#<id>         sk REQUEST   the request and its status
 *   pk OPEN#<user>          sk OPEN      which request is the user's open one (overwritten, never deleted)
 * purgeAt (epoch seconds) is the TTL attribute: requests are kept for a while after they close.
 *
 * A request's `list` is PENDING while it waits for a decision, CHANGE_UNDERWAY while its change
 * is under way (taken to finish, or approved and being applied), CHANGE_FAILED while a change an
 * admin's approval applies has failed and waits for a retry or a denial, and its requester's user
 * ID otherwise (each move in the same conditional write that moves its status). The by-list index
 * (list, createdAt) answers "what waits for review, oldest first", "which changes are under way
 * (one that died midway stays there, for the admins)", "which failed changes wait for a retry" and
 * "this person's requests, newest first" with one Query each, and needs one index: CloudFormation adds only one global secondary index
 * per table update.
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
        { AttributeName: 'list', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_LIST_INDEX,
          KeySchema: [
            { AttributeName: 'list', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  };
}
