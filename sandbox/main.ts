/**
 * `npm run sandbox [-- --port 3100 --data-dir .data --users sandbox/demo-users.yml --fresh --verbose]`
 */
import { relative } from 'node:path';
import { SLASH_COMMANDS } from '../src/credentials';
import { quietNodeVersionNotice } from '../src/aws/node-version-notice';
import { onStopSignals } from '../src/stop-signals';
import { HELP, parseSandboxArgs } from './cli';
import { startSandbox } from './sandbox';

async function main(): Promise<void> {
  quietNodeVersionNotice();
  const command = parseSandboxArgs(process.argv.slice(2));
  if (command.help) {
    process.stdout.write(HELP);
    return;
  }
  const { options } = command;
  const sandbox = await startSandbox({ ...options, fresh: command.fresh });
  const people = sandbox.fixture.people.map((p) => `    ${p.name.padEnd(12)} ${p.about}`).join('\n');
  // Before the line that says Ctrl+C stops: a Ctrl+C right after it must meet the handler, not
  // Node's default, which ends the process without a clean stop.
  onStopSignals(() => {
    process.stdout.write('\nstopping…\n');
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.stdout.write(
    // From node's own start (performance.now's origin), tsx's transpiling of the tree included: the
    // wait the command was. sandbox.startupMs begins after it: printed, it said 518 ms of a 4.35 s wait.
    `\nLatchkey sandbox is ready in ${Math.round(performance.now())} ms (since node started):\n\n    ${sandbox.url}\n\n` +
      `The app itself listens on ${sandbox.appUrl} (Slack's requests at /slack/events; /healthz, as npm start serves it, also at ${sandbox.url}healthz).\n` +
      `Open it, pick a person, and type ${SLASH_COMMANDS.slice(0, -1).join(', ')} or ${SLASH_COMMANDS.at(-1)}, or open Latchkey Home.\n` +
      `People (from ${relative(process.cwd(), options.fixturePath) || options.fixturePath}):\n${people}\n\n` +
      `Data kept in ${options.dataDir} (start with --fresh to forget it). Ctrl+C stops.\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`The sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
