import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBundle, staleBundle } from '../../infra/lib/bundle';
import { checkPackage } from '../../infra/lib/latchkey-stack';
import { REPO_ROOT } from '../../infra/lib/settings';
import { DEMO_ACCOUNT_ID } from '../../src/credentials/chime/stand-in';
import { DEMO_USERS as OKTA_DEMO_USERS } from '../../src/credentials/okta-stand-in';
import { secretIn, useHarness } from '../support/harness';

/**
 * What the stack deploys: the one file `npm run build:lambda` writes. Built once for this file,
 * into a directory with no node_modules anywhere above it, so whatever it needs it must hold.
 */
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-bundle-'));
const BUNDLE_DIR = path.join(WORK, 'lambda');
const BUNDLE = path.join(BUNDLE_DIR, 'lambda.js');

// Built as `cdk synth` and `cdk deploy` build it (infra/bin/latchkey.ts, without -c codePath).
beforeAll(() => buildBundle(BUNDLE_DIR), 60_000);

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

describe('the Lambda bundle', () => {
  test('synth builds it fresh: no source is newer, so the stack takes it (issue 26 §3)', () => {
    expect(staleBundle(BUNDLE)).toBeUndefined();
    expect(() => checkPackage(BUNDLE_DIR)).not.toThrow();
  });

  test('is one minified file under 3 MB: no source map, no type declarations, no node_modules', () => {
    expect(fs.readdirSync(BUNDLE_DIR)).toEqual(['lambda.js']);
    const size = fs.statSync(BUNDLE).size;
    expect(size).toBeLessThan(3 * 1024 * 1024);
    const text = fs.readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/sourceMappingURL/);
    // Minified: few, long lines, not a copy of the sources.
    expect(text.split('\n').length).toBeLessThan(200);
  });

  test('holds neither Socket Mode, nor the OAuth installer, nor any stand-in', () => {
    const text = fs.readFileSync(BUNDLE, 'utf8');
    // Strings only these modules hold (a failure prints the name, never the 2 MB file).
    const markers = {
      '@slack/socket-mode': 'The Socket Mode client has successfully initialized',
      '@slack/oauth': 'Refreshed tokens have been saved in InstallationStore',
      "the Chime stand-in's demo account": DEMO_ACCOUNT_ID,
      // Shared by Okta's two plug-ins, beside their folders: okta-stand-in.ts.
      "the Okta stand-in's demo user": OKTA_DEMO_USERS.at(-1)!.id,
    };
    expect(Object.entries(markers).filter(([, marker]) => text.includes(marker)).map(([name]) => name)).toEqual([]);
    expect(text.includes('is not in the Lambda bundle: Lambda never runs it')).toBe(true);
  });

  test('the stack accepts it, and refuses the unbundled build that needs node_modules', () => {
    expect(() => checkPackage(BUNDLE_DIR)).not.toThrow();

    const unbundled = path.join(WORK, 'dist-copy');
    fs.mkdirSync(unbundled);
    fs.copyFileSync(path.join(REPO_ROOT, 'dist', 'lambda.js'), path.join(unbundled, 'lambda.js'));
    expect(() => checkPackage(unbundled)).toThrow(/cannot run as deployed \(Cannot find module '[^']+'\).*npm run build:lambda/);
  });

  test('and refuses a file that exports no handler', () => {
    const empty = path.join(WORK, 'no-handler');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'lambda.js'), 'exports.somethingElse = 1;\n');
    expect(() => checkPackage(empty)).toThrow(/exports no handler/);
  });
});

describe('the bundle, run as Lambda runs it', () => {
  const h = useHarness({ entry: 'lambda', lambdaBundle: BUNDLE });

  test('resets a PIN and a password end to end, its lazily loaded adapters included', async () => {
    const pin = await h.reset('/reset-pin', 'UANN');
    expect(secretIn(pin.final)).toBe(h.chime.pinOf('chime-ann'));
    const password = await h.reset('/reset-password', 'UCARL');
    expect(secretIn(password.final)).toBe(h.workmail.passwordOf('wm-carl'));
    await h.waitForAudit('UCARL', (r) => r.phase === 'outcome' && r.outcome === 'success');
  });
});
