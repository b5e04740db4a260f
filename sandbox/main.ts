/**
 * `npm run sandbox [-- --port 3100 --data-dir .data --users sandbox/demo-users.yml --fresh --verbose]`
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURE, startSandbox } from './sandbox';

const HELP = `Latchkey sandbox: the real app, a browser Slack, simulated Chime and WorkMail, local DynamoDB.

  npm run sandbox [-- options]

  --port <n>        port for the page (default 3100; 0 picks a free one)
  --host <addr>     address to listen on (default 127.0.0.1)
  --data-dir <dir>  where the audit log, requests and chat history are kept (default .data)
  --users <file>    the demo company (default sandbox/demo-users.yml)
  --fresh           forget everything in the data folder first
  --verbose         print the app's log lines too
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.SANDBOX_PORT ?? '3100' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.data' },
      users: { type: 'string', default: DEFAULT_FIXTURE },
      fresh: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const dataDir = resolve(values['data-dir']);
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });

  const sandbox = await startSandbox({ port, host: values.host, dataDir, fixturePath: values.users, verbose: values.verbose });
  const people = sandbox.fixture.people.map((p) => `    ${p.name.padEnd(12)} ${p.about}`).join('\n');
  process.stdout.write(
    `\nLatchkey sandbox is ready in ${sandbox.startupMs} ms:\n\n    ${sandbox.url}\n\n` +
      `Open it, pick a person and type /reset-pin, /reset-password or /request-license.\n` +
      `People (from ${values.users}):\n${people}\n\n` +
      `Data kept in ${dataDir} (start with --fresh to forget it). Ctrl+C stops.\n`,
  );

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write('\nstopping…\n');
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`The sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
