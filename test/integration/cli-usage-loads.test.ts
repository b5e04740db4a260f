import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist');
const HOOK = join(__dirname, '..', 'fixtures', 'loaded-modules.js');

/** The AWS SDK and Slack's libraries: seconds to load on a busy machine, which an answer to --help or a typo waited for. */
const HEAVY = /node_modules\/(@aws-sdk|@smithy|@slack)\//;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-loads-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The built CLI as an operator runs it, in a folder of its own (no .env unless a test makes one),
 * with no AWS profile of this machine: its exit status, and which of the heavy modules it loaded.
 */
function cli(script: string, args: string[], env: Record<string, string> = {}, cwd = dir): { status: number | null; heavy: string[] } {
  const record = join(dir, 'loaded.json');
  const run = spawnSync(process.execPath, ['--require', HOOK, join(DIST, script), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 40_000,
    env: { PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true', LOADED_MODULES_FILE: record, ...env },
  });
  const loaded = JSON.parse(readFileSync(record, 'utf8')) as string[];
  rmSync(record);
  return { status: run.status, heavy: [...new Set(loaded.filter((f) => HEAVY.test(f)).map((f) => HEAVY.exec(f)![0]))] };
}

describe('the command-line tools answer usage and settings problems without loading the AWS SDK or Slack libraries', () => {
  it('npm run audit: --help, an unknown option or subcommand, a bad day, a .env to fix; the SDK is loaded once the arguments are good', () => {
    for (const [args, status] of [
      [['--help'], 0],
      [['--bogus'], 2],
      [['expor'], 2],
      [['export', '--form', '2026-12-01', '--to', '2026-12-31'], 2],
      [['export', '--from', '2026-02-30', '--to', '2026-03-31'], 2],
      [['unknown', '--days', 'abc'], 2],
    ] as const) {
      expect({ args, ...cli('audit-cli.js', [...args]) }).toEqual({ args, status, heavy: [] });
    }
    mkdirSync(join(dir, 'with-env', '.env'), { recursive: true });
    expect(cli('audit-cli.js', ['unknown'], {}, join(dir, 'with-env'))).toEqual({ status: 2, heavy: [] });
    // The same record shows the SDK where it is needed: here it said there is no AWS region.
    const asked = cli('audit-cli.js', ['unknown']);
    expect(asked.status).toBe(1);
    expect(asked.heavy).toContain('node_modules/@aws-sdk/');
  }, 60_000);

  it('npm run doctor: --help, an unknown option, a --person of no form, settings missing', () => {
    for (const [args, status] of [
      [['--help'], 0],
      [['--persn', 'U1'], 2],
      [['--person', 'ann'], 2],
      [[], 2],
    ] as const) {
      expect({ args, ...cli('doctor-cli.js', [...args]) }).toEqual({ args, status, heavy: [] });
    }
  }, 60_000);

  it('npm run manifest: --help, an unknown option, a --url with a path; nor does a manifest made, which calls nothing', () => {
    for (const [args, status] of [
      [['--help'], 0],
      [['--bogus'], 2],
      [['--url', 'https://latchkey.acme.com/slack/events'], 2],
      [['--url', 'https://latchkey.acme.com'], 0],
    ] as const) {
      expect({ args, ...cli('manifest-cli.js', [...args], { OKTA_ORG_URL: 'https://acme.okta.com' }) }).toEqual({ args, status, heavy: [] });
    }
  }, 60_000);
});
