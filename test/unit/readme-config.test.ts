import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS } from '../../src/credentials';
import { VARIABLE_OF_CONTEXT } from '../../infra/lib/settings';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const DEPLOY = readFileSync(join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');

/** The docs an operator configures from name every setting of every credential in the registry. */
describe('configuration docs', () => {
  const variables = CREDENTIALS.flatMap((c) => Object.keys(c.settings.variables));

  it.each(variables)('the README configuration table has %s', (variable) => {
    expect(README).toMatch(new RegExp(`^\\| \`${variable}\` \\|`, 'm'));
  });

  it.each(Object.entries(VARIABLE_OF_CONTEXT).filter(([, v]) => variables.includes(v)).map(([key]) => key))('docs/deploy.md documents -c %s', (key) => {
    expect(DEPLOY).toMatch(new RegExp(`^\\| \`${key}\` \\|`, 'm'));
  });

  it.each(CREDENTIALS.map((c) => c.command))("the README's command table has %s", (command) => {
    expect(README).toMatch(new RegExp(`^\\| \`${command}\` \\|`, 'm'));
  });
});
