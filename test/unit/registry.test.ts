import { z } from 'zod';
import { CREDENTIALS } from '../../src/credentials';
import { CORE_COMMANDS } from '../../src/core-commands';
import type { AdapterContext, Credential, Setting } from '../../src/credentials/credential';
import { MemoryLogger } from '../support/in-memory-ports';
import { OKTA_SETTINGS } from '../../src/credentials/okta-api';
import { PASSWORD_SETTINGS } from '../../src/credentials/password-generator';
import { oktaVerify } from '../../src/verifiers/okta';
import { VERIFIERS } from '../../src/verifiers';
import { checkedRegistry, registryProblems } from '../../src/credentials/registry';
import { okta } from '../../src/credentials/okta';
import { workmail } from '../../src/credentials/workmail';

const setting = (context?: string, secret = false): Setting => ({
  schema: z.string().optional(),
  ...(context && { context }),
  ...(secret && { secret: { description: 'a secret', placeholder: 'placeholder-secret-value' } }),
  doc: { meaning: 'x' },
});

/** A credential like Okta's, renamed: what a new folder copied from an old one looks like. */
const copy = (overrides: Partial<Credential<unknown>>, variables: Record<string, Setting> = { EXAMPLE_URL: setting('exampleUrl') }): Credential<unknown> => ({
  ...(okta as Credential<unknown>),
  id: 'example_password',
  command: '/reset-example-password',
  audit: { action: 'reset_example_password', directory: 'example' },
  settings: { variables, read: () => undefined },
  ...overrides,
});

describe('the credentials registry', () => {
  it('as it stands has no clashes', () => {
    expect(registryProblems(CREDENTIALS, { commands: CORE_COMMANDS })).toEqual([]);
  });

  it.each([
    ['id', { id: okta.id }, `id ${okta.id} is declared by both okta_password and okta_password`],
    ['command', { command: okta.command }, `command ${okta.command} is declared by both okta_password and example_password`],
    ['audit action', { audit: { action: okta.audit.action, directory: 'example' } }, `audit action ${okta.audit.action} is declared by both okta_password and example_password`],
  ] as const)('finds two entries with the same %s', (_what, overrides, problem) => {
    expect(registryProblems([okta, copy(overrides)])).toContain(problem);
  });

  it('finds the same variable name, context key, or <NAME>_ARN declared by two credentials', () => {
    expect(registryProblems([okta, copy({}, { OKTA_ORG_URL: setting('exampleUrl') })])).toContain(
      'variable OKTA_ORG_URL is declared by both okta_password and example_password (share one Setting object, or rename one)',
    );
    expect(registryProblems([okta, copy({}, { EXAMPLE_URL: setting('oktaOrgUrl') })])).toContain(
      'context key oktaOrgUrl is declared by both okta_password and example_password (share one Setting object, or rename one)',
    );
    expect(registryProblems([okta, copy({}, { OKTA_API_TOKEN_ARN: setting('exampleArn') })])).toContain(
      'variable OKTA_API_TOKEN_ARN is declared by both okta_password and example_password (share one Setting object, or rename one)',
    );
  });

  it("the password generator's settings are one shared pair: two credentials declaring them are no clash", () => {
    expect(workmail.settings.variables.PASSWORD_LENGTH).toBe(PASSWORD_SETTINGS.PASSWORD_LENGTH);
    expect(registryProblems([workmail, copy({}, { EXAMPLE_URL: setting('exampleUrl'), ...PASSWORD_SETTINGS })])).toEqual([]);
  });

  it("Okta's org and token are declared once, beside Okta's API: every Okta credential and Okta Verify hold the same Settings", () => {
    for (const c of CREDENTIALS.filter((c) => c.audit.directory === 'okta')) expect(c.settings).toBe(OKTA_SETTINGS);
    expect(oktaVerify.settings.variables.OKTA_ORG_URL).toBe(OKTA_SETTINGS.variables.OKTA_ORG_URL);
    expect(oktaVerify.settings.variables.OKTA_API_TOKEN).toBe(OKTA_SETTINGS.variables.OKTA_API_TOKEN);
  });

  it('every verifier names a stand-in of its own, never a credential (Okta Verify named okta_password), and one that starts', async () => {
    for (const verifier of VERIFIERS) {
      expect([verifier.id, typeof verifier.standIn]).toEqual([verifier.id, 'function']);
      const standIn = await (await verifier.standIn()).start();
      try {
        // It answers for the verifier's own variables (its URL, its secret).
        expect([verifier.id, Object.keys(standIn.env).filter((name) => name in verifier.settings.variables).length > 0]).toEqual([verifier.id, true]);
      } finally {
        await standIn.close();
      }
    }
  });

  it("a credential may not take the core's names", () => {
    expect(registryProblems([copy({ command: '/reset' })], { commands: CORE_COMMANDS })).toContain("command /reset of example_password is Latchkey's own");
    expect(registryProblems([copy({}, { SLACK_BOT_TOKEN: setting() })], { variables: ['SLACK_BOT_TOKEN'] })).toContain(
      "variable SLACK_BOT_TOKEN of example_password is Latchkey's own",
    );
    expect(registryProblems([copy({}, { EXAMPLE_URL: setting('stackName') })], { contextKeys: ['stackName'] })).toContain(
      "context key stackName of example_password is Latchkey's own",
    );
  });

  it("a pointer to another credential names one of the registry's (a verifier's resetBy, a credential's whenLocked offer): a typo would point nowhere, silently", () => {
    const ids = CREDENTIALS.map((c) => c.id);
    for (const v of VERIFIERS) if (v.resetBy !== undefined) expect(ids).toContain(v.resetBy);
    for (const c of CREDENTIALS) if (c.whenLocked) expect(ids).toContain(c.whenLocked.offer);
    expect(oktaVerify.resetBy).toBe('okta_mfa');
  });

  it("a credential declares reviewFacts exactly when its adapter answers it: the adapter loads on first use, behind a proxy that answers every name, so one declared and not implemented would show an approver no facts, silently", async () => {
    for (const credential of CREDENTIALS) {
      // Its settings as its stand-in gives them, read as the config reads them; nothing is called.
      const standIn = await (await credential.standIn()).start();
      try {
        const values = Object.fromEntries(Object.entries(credential.settings.variables).map(([name, s]) => [name, s.schema.parse(standIn.env[name])]));
        const settings = credential.settings.read(values);
        const context = { aws: {}, awsChanges: {}, fetch: () => Promise.reject(new Error('no call')), logger: new MemoryLogger(), clock: { now: () => new Date() } } as unknown as AdapterContext;
        const adapter = await credential.load(settings, context);
        expect([credential.id, typeof adapter.reviewFacts === 'function']).toEqual([credential.id, credential.reviewFacts === true]);
      } finally {
        await standIn.close();
      }
    }
    expect(CREDENTIALS.filter((c) => c.reviewFacts).length).toBeGreaterThan(0);
  });

  it('an ID that cannot sit in a callback ID is refused', () => {
    expect(registryProblems([copy({ id: 'Example Password' })])).toContain(
      'id Example Password: must be lower-case letters, digits and _ (it is in callback IDs and limit keys)',
    );
  });

  it('a registry with a clash fails as it loads, naming every clash', () => {
    expect(() => checkedRegistry([okta, copy({ id: okta.id, command: okta.command })])).toThrow(/registry.*has clashes:\n {2}- id okta_password[\s\S]*- command \/reset-okta-password/);
  });
});
