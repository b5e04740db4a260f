import type { TableDefinition } from '../storage/ensure-table';

/**
 * The app's table of short-lived keys, each deleted by TTL (expiresAt): one item per rate-limit
 * key and window (pk `<key>#<window start ms>`, a hit counter and the token of the use it counted
 * last), on Lambda one per work order claimed (pk `work#<signature>`, and the claim's token,
 * lambda/dynamodb-work-claims.ts), one per closed modal that waited for a push (pk `close#<request ID>`, limits/dynamodb-closed-waits.ts),
 * and on Lambda one per lasting fault paged within the hour (pk `alert#<fault>`, lambda/dynamodb-page-mark.ts).
 */
/** The keys of closed waiting modals' items: the stack lets the role read only these (infra/lib/latchkey-stack.ts). */
export const CLOSE_KEY_PREFIX = 'close#';
/** The keys of the hourly page marks; no rate-limit key takes this form (each ends in `#<window>`). */
export const ALERT_KEY_PREFIX = 'alert#';

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
