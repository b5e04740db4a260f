/** The sandbox's command line, read into startSandbox's options. */
import { resolve } from 'node:path';
import { parseArgsPointingAtHelp } from '../src/cli-args';
import { DEFAULT_FIXTURE, SANDBOX_RESET_LIMIT, type SandboxOptions } from './sandbox';

export const HELP = `Latchkey sandbox: the real app, a browser Slack, a stand-in for each directory, local DynamoDB.

  npm run sandbox [-- options]

  --port <n>        port for the page (default 3100, or SANDBOX_PORT; 0 picks a free one)
  --host <addr>     address to listen on (default 127.0.0.1)
  --data-dir <dir>  where the audit log, requests, chat history and changed demo accounts are kept (default .data)
  --users <file>    the demo company (default sandbox/demo-users.yml)
  --reset-limit <n> resets one person may start per hour, per credential (default 30, for demos;
                    production's default is 3: try --reset-limit=3 to see the limit's message)
  --fresh           forget everything in the data folder first
  --verbose         print the app's log lines too
`;

export type SandboxCommand =
  | { help: true }
  | { help: false; fresh: boolean; options: Required<Pick<SandboxOptions, 'port' | 'host' | 'dataDir' | 'fixturePath' | 'verbose' | 'resetLimit'>> };

/** Throws with a message fit for the terminal when an option is unknown or malformed. */
export function parseSandboxArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SandboxCommand {
  const { values } = parseArgsPointingAtHelp({
    args,
    options: {
      port: { type: 'string', default: env.SANDBOX_PORT ?? '3100' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.data' },
      users: { type: 'string', default: DEFAULT_FIXTURE },
      'reset-limit': { type: 'string', default: String(SANDBOX_RESET_LIMIT) },
      fresh: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }, 'sandbox');
  if (values.help) return { help: true };
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const resetLimit = Number(values['reset-limit']);
  if (!/^\d+$/.test(values['reset-limit']) || resetLimit < 1 || resetLimit > 100) throw new Error(`--reset-limit must be 1 to 100, got ${values['reset-limit']}`);
  return {
    help: false,
    fresh: values.fresh,
    options: { port, host: values.host, dataDir: resolve(values['data-dir']), fixturePath: resolve(values.users), verbose: values.verbose, resetLimit },
  };
}
