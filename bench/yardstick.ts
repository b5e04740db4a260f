/**
 * The yardstick: the same lookups and reset as Latchkey, straight through the AWS SDK with no
 * Slack in between. Chime ListUsers (find the person by email), a conditional DynamoDB PutItem
 * (the audit attempt, fail-closed) and Chime ResetPersonalPIN. Run as its own process by
 * bench/run.ts against the same stand-ins and latency, so its figures are the floor the app is
 * measured against.
 *
 * Input (environment): AWS_ENDPOINT_URL_CHIME / _DYNAMODB and credentials as for the app,
 * YARDSTICK_ACCOUNT, YARDSTICK_TABLE, YARDSTICK_EMAILS (comma-separated, one reset each).
 * Output: one JSON line on stdout.
 */
import { ChimeClient, ListUsersCommand, ResetPersonalPINCommand } from '@aws-sdk/client-chime';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
// The app's own client settings, so the floor's SDK calls cost what the app's do.
import { AWS_CLIENT } from '../src/aws-client';

async function main(): Promise<void> {
  const accountId = required('YARDSTICK_ACCOUNT');
  const table = required('YARDSTICK_TABLE');
  const emails = required('YARDSTICK_EMAILS').split(',');
  const chime = new ChimeClient({ ...AWS_CLIENT, region: 'us-east-1' });
  const dynamo = new DynamoDBClient(AWS_CLIENT);
  const readyAt = performance.now();

  const lookup: number[] = [];
  const reset: number[] = [];
  let firstResetAt: number | undefined;
  for (const email of emails) {
    const t0 = performance.now();
    const { Users = [] } = await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
    const userId = Users.find((u) => u.PrimaryEmail?.toLowerCase() === email.toLowerCase())?.UserId;
    if (!userId) throw new Error(`no Chime user for ${email}`);
    const t1 = performance.now();
    const requestId = randomUUID();
    await dynamo.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: `YARDSTICK#${email}` },
          sk: { S: `${requestId}#1-attempt` },
          day: { S: new Date().toISOString().slice(0, 10) },
          action: { S: 'reset_pin' },
          directoryUserId: { S: userId },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    const { User } = await chime.send(new ResetPersonalPINCommand({ AccountId: accountId, UserId: userId }));
    if (!User?.PersonalPIN) throw new Error('no PIN returned');
    const t2 = performance.now();
    firstResetAt ??= t2;
    lookup.push(t1 - t0);
    reset.push(t2 - t1);
  }
  chime.destroy();
  dynamo.destroy();
  process.stdout.write(
    `${JSON.stringify({
      lookupMs: lookup,
      resetMs: reset,
      // performance.now() counts from the process's start.
      readyMs: readyAt,
      firstResetMs: firstResetAt,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
