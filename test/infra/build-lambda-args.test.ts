import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../infra/lib/settings';

/** `npm run build:lambda -- …`: what it does with a command line it does not take. */
describe('npm run build:lambda, its options', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-build-args-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-lambda.js'), `--out=${out}`, ...args], { encoding: 'utf8' });

  it.each([
    [['--aws-sdk=externl'], '--aws-sdk=externl is not bundled or external'],
    [['--aws-sdk'], "Option '--aws-sdk <value>' argument missing"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['external'], "Unexpected argument 'external'"],
  ])('%j is refused in one line naming the valid options, exit 2, and nothing is built', (args, said) => {
    const { status, stdout, stderr } = run(...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${said}: npm run build:lambda takes --out=DIR, --aws-sdk=bundled|external and --help\n`);
    expect(fs.existsSync(path.join(out, 'lambda.js'))).toBe(false);
  });

  it('--help prints the usage, with every option, and builds nothing', () => {
    const { status, stdout, stderr } = run('--help');
    expect(status).toBe(0);
    expect(stderr).toBe('');
    for (const option of ['--out=DIR', '--aws-sdk=bundled', '--aws-sdk=external', '--help']) expect(stdout).toContain(option);
    expect(fs.existsSync(path.join(out, 'lambda.js'))).toBe(false);
  });
});
