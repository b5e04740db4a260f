import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS } from '../../src/credentials';
import { CONTEXT_KEYS } from '../../infra/lib/settings';
import { CONFIG_VARIABLES } from '../../src/config';

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
});
