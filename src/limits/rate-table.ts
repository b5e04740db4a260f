import type { TableDefinition } from '../storage/ensure-table';

/**
 * The app's table of short-lived keys, each deleted by TTL (expiresAt): one item per rate-limit
 * key and window (pk `<key>#<window start ms>`, a hit counter and the token of the use it counted
 * last), on Lambda one per work order claimed (pk `work#<signature>`, and the claim's token,
 * lambda/dynamodb-work-claims.ts), and one per closed modal that waited for a push (pk `close#<request ID>`, limits/dynamodb-closed-waits.ts).
 */
/** The keys of closed waiting modals' items: the stack lets the role read only these (infra/lib/latchkey-stack.ts). */
export const CLOSE_KEY_PREFIX = 'close#';

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
