import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbAuditLog } from './audit/dynamodb-audit-log';
import { unknownOutcomes } from './flows/unknown-outcomes';

/**
 * `npm run audit:unknown [days]`: prints, as JSON lines, every attempt of the last `days` UTC days
 * (default 2) that has no outcome record. An entry point of its own, like main.ts: it builds the
 * one client it needs and reads AUDIT_TABLE_NAME and the SDK's standard AWS settings.
 */
async function main(): Promise<void> {
  const days = Number(process.argv[2] ?? 2);
  if (!Number.isInteger(days) || days < 1 || days > 400) {
    process.stderr.write('usage: npm run audit:unknown [days, 1 to 400]\n');
    process.exit(2);
  }
  const client = new DynamoDBClient({});
  const now = new Date();
  const audit = new DynamoDbAuditLog(client, process.env.AUDIT_TABLE_NAME || 'latchkey-audit', 1, { now: () => now });
  const found = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    found.push(...unknownOutcomes(await audit.listByDay(day), now));
  }
  for (const record of found) process.stdout.write(`${JSON.stringify(record)}\n`);
  process.stderr.write(`${found.length} attempt(s) with unknown outcome in the last ${days} day(s)\n`);
  client.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`audit report failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
