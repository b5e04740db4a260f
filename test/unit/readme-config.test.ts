import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { CREDENTIALS } from '../../src/credentials';
import { CONTEXT_KEYS } from '../../infra/lib/settings';
import { CONFIG_VARIABLES } from '../../src/config';
import { AUDIT_ACTIONS, AUDIT_DIRECTORIES } from '../../src/audit/audit-record';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const DEPLOY = readFileSync(join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');

/** The docs an operator configures from name every setting of every credential in the registry. */
describe('configuration docs', () => {
  it('every credential has its variables among the app\'s', () => {
    for (const c of CREDENTIALS) for (const variable of Object.keys(c.settings.variables)) expect(CONFIG_VARIABLES).toContain(variable);
  });

  it.each(CONFIG_VARIABLES)('the README configuration table has %s', (variable) => {
    expect(README).toMatch(new RegExp(`^\\| \`${variable}\` \\|`, 'm'));
  });

  it.each(CONTEXT_KEYS)('docs/deploy.md documents -c %s', (key) => {
    expect(DEPLOY).toMatch(new RegExp(`^\\| \`${key}\` \\|`, 'm'));
  });

  it.each(CREDENTIALS.map((c) => c.command))("the README's command table has %s", (command) => {
    expect(README).toMatch(new RegExp(`^\\| \`${command}\` \\|`, 'm'));
  });

  it("every value the README shows for a setting reads whole from a .env line, as written (PASSWORD_SYMBOLS' default held a '#', which would start a comment)", () => {
    const shown: [string, string][] = [];
    // The configuration table's defaults, and every `NAME=value` in the text.
    for (const [, name, value] of README.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| `([^`]+)` \|/gm)) shown.push([name!, value!]);
    for (const [, name, value] of README.matchAll(/`([A-Z][A-Z0-9_]+)=([^`\s<]+)`/g)) if (CONFIG_VARIABLES.includes(name!)) shown.push([name!, value!]);
    expect(shown.map(([name]) => name)).toContain('PASSWORD_SYMBOLS');
    for (const [name, value] of shown) {
      const meant = /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
      expect([name, parseEnv(`${name}=${value}\n`)[name]]).toEqual([name, meant]);
    }
  });
});


/** The audit log's table names what the app writes: read from the registry, so a new credential's names are missed loudly. */
describe("README's audit-log table", () => {
  const row = (attribute: string): string[] => {
    const line = README.split('\n').find((l) => l.startsWith(`| \`${attribute}\``));
    if (!line) throw new Error(`README has no audit-log row for ${attribute}`);
    return line.split(' | ');
  };
  const names = (cell: string): string[] => [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);

  it('lists every action the audit schema accepts, and no other', () => {
    expect([...names(row('action')[1]!)].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it('lists every directory the audit schema accepts, and no other', () => {
    expect([...names(row('directory')[2]!)].sort()).toEqual([...AUDIT_DIRECTORIES].sort());
  });
});

/**
 * The README's own path to a server: Slack checks the events URL when the app is made from the
 * manifest, before Latchkey can run (its signing secret comes from that app), and sends no event to
 * a URL it has not verified, so without a step to check it again the Home tab of the path's last
 * step stays empty and nothing says why.
 */
describe("README's Quick start", () => {
  const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('\n## ', README.indexOf('## Quick start') + 1));
  const steps = quickStart.slice(quickStart.indexOf('Then for real:'));

  it('has Slack check the events URL again once Latchkey runs, before the Home tab is opened', () => {
    const started = steps.indexOf('`npm start`');
    const retry = steps.search(/\*\*Event Subscriptions\*\*[^]*?\*\*Retry\*\*/);
    const home = steps.indexOf("open Latchkey's **Home** tab");
    expect(started).toBeGreaterThan(-1);
    expect(retry).toBeGreaterThan(started);
    expect(home).toBeGreaterThan(retry);
  });

  it("says the Retry step is not for Socket Mode, which has no Request URL to check", () => {
    const retryStep = steps.split(/\n(?=\d+\. )/).find((step) => step.includes('**Retry**'))!;
    expect(retryStep).toMatch(/Socket Mode/);
  });
});
