/**
 * `npx tsx bench/lambda-cold.ts`: Lambda's cold path on the local simulator (test/support): each
 * slash command's answering invocation and its worker start as fresh instances, and the times are
 * read from the stand-ins' logs: command sent → views.open reaching Slack (the trigger's clock),
 * and the worker's start (the hand-off reaching Lambda) → the confirmation reaching Slack.
 * Run it with --latency=50 to add 50 ms to every answer from Slack, AWS and the stand-ins.
 */
import { Harness, slackUser } from '../test/support/harness';
import { summarize } from './stats';

const RUNS = 15;
const latency = Number(/--latency=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 0);

async function main(): Promise<void> {
  const ids = Array.from({ length: RUNS }, (_, i) => `UCOLD${String(i).padStart(2, '0')}`);
  const h = await Harness.start({
    entry: 'lambda',
    slackUsers: ids.map((id) => slackUser(id, `${id.toLowerCase()}@example.com`)),
    accounts: { pin: ids.map((id) => ({ UserId: `chime-${id}`, PrimaryEmail: `${id.toLowerCase()}@example.com`, LicenseType: 'Basic' })) },
    env: { LOG_LEVEL: 'warn', ...(process.argv.includes('--bot-ids') && { SLACK_BOT_ID: 'BLATCHKEY01', SLACK_BOT_USER_ID: 'UBOTLATCHKEY' }) },
  });
  h.slack.setLatency(latency);
  for (const s of h.standIns.values()) s.setLatency(latency);
  const toOpen: number[] = [];
  const workerToConfirmation: number[] = [];
  const toConfirmation: number[] = [];
  try {
    for (const id of ids) {
      h.coldNext(2);
      const invokes = h.lambda.callsTo('Invoke').length;
      const triggerId = h.slack.newTriggerId();
      const sentAt = Date.now();
      await h.command('/reset-pin', id, { triggerId });
      const open = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId, 15_000);
      const viewId = open.result?.view?.id as string;
      const confirmation = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, 15_000);
      const handedOff = h.lambda.callsTo('Invoke')[invokes]!.at;
      toOpen.push(open.at - sentAt);
      workerToConfirmation.push(confirmation.at - handedOff);
      toConfirmation.push(confirmation.at - sentAt);
      await h.lambda.idle();
    }
  } finally {
    await h.stop();
  }
  const line = (name: string, s: ReturnType<typeof summarize>) => `${name.padEnd(40)} p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`;
  process.stdout.write(
    [
      `Lambda cold path, ${RUNS} commands, +${latency} ms per remote answer${process.argv.includes('--bot-ids') ? ', bot IDs configured' : ''}`,
      line('command → views.open (cold answer)', summarize(toOpen)),
      line('hand-off → confirmation (cold worker)', summarize(workerToConfirmation)),
      line('command → confirmation', summarize(toConfirmation)),
    ].join('\n') + '\n',
  );
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
