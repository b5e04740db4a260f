import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../infra/lib/app';
import { CONTEXT_KEYS, NOT_CONTEXT_KEYS, REPO_ROOT, settingsFromContext, SettingsError, VARIABLE_OF_CONTEXT, type ContextKey } from '../../infra/lib/settings';
import { CONFIG_VARIABLES, secretVariables } from '../../src/config';
import { CREDENTIALS } from '../../src/credentials';
import { VERIFIERS } from '../../src/verifiers';
import { CHIME_ACCOUNT, logicalIdOf, synth, WORKMAIL_ORG } from './support';

const read = (context: Partial<Record<ContextKey, unknown>>) => settingsFromContext((key) => context[key]);
const problems = (context: Partial<Record<ContextKey, unknown>>): readonly string[] => {
  try {
    read(context);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  throw new Error('expected the context to be refused');
};

describe('deploy settings from CDK context', () => {
  test('defaults: stack Latchkey, the bundle build:lambda writes, Node.js 24, logs kept 90 days, 100 reserved; the app settings as the app reads them', () => {
    const s = read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' });
    expect(s).toMatchObject({
      stackName: 'Latchkey',
      codePath: path.join(REPO_ROOT, 'infra', 'build', 'lambda'),
      functionName: 'Latchkey-handler',
      runtime: 'nodejs24.x',
      logRetentionDays: 90,
      reservedConcurrency: 100,
      alarmEmail: undefined,
      environment: { CHIME_ACCOUNT_ID: CHIME_ACCOUNT, SLACK_TEAM_ID: 'T0LATCHKEY' },
      licensesProvider: undefined,
      secrets: [],
    });
    expect(s.credentials.map((c) => c.credential.id)).toEqual(['pin']);
  });

  test('values from cdk.json may be numbers and arrays; empty strings mean unset', () => {
    const s = read({
      workmailOrganizationId: WORKMAIL_ORG,
      adminUserIds: ['U0ONE', ' U0TWO '],
      logRetentionDays: 30,
      reservedConcurrency: 5,
      slackTeamId: 'T0LATCHKEY',
      slackEnterpriseId: '',
      codePath: '/abs/package',
    });
    expect(s).toMatchObject({ logRetentionDays: 30, reservedConcurrency: 5, codePath: '/abs/package' });
    expect(s.environment).toEqual({ WORKMAIL_ORGANIZATION_ID: WORKMAIL_ORG, ADMIN_USER_IDS: 'U0ONE,U0TWO', SLACK_TEAM_ID: 'T0LATCHKEY' });
  });

  test('credentials that share settings (Okta\'s password reset and unlock) share their secret: the stack makes one', () => {
    const s = read({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0LATCHKEY', adminUserIds: 'U0ADMIN', approvalsChannelId: 'C0APPROVALS' });
    expect(s.credentials.map((c) => c.credential.id)).toEqual(CREDENTIALS.filter((c) => c.settings === s.credentials[0]!.credential.settings).map((c) => c.id));
    expect(s.credentials.length).toBeGreaterThan(1);
    expect(s.secrets).toEqual([{ variable: 'OKTA_API_TOKEN', description: expect.any(String) }]);
  });

  test("every credential's context keys come from the registry", () => {
    for (const credential of CREDENTIALS) {
      for (const setting of Object.values(credential.settings.variables)) if (setting.context) expect(CONTEXT_KEYS).toContain(setting.context);
    }
  });

  test.each(CREDENTIALS.map((c) => [c.id, c] as const))(
    '%s alone, switched on by its examples, passes the app\'s own checks with its secrets\' placeholders (a shaped secret is checked without the real value)',
    (_id, credential) => {
      const variables = Object.entries(credential.settings.variables);
      const context = Object.fromEntries(variables.flatMap(([, s]) => (s.context && s.example !== undefined ? [[s.context, s.example]] : [])));
      // With a credential whose default policy is approval among them, admins and their channel, so that it is on too.
      const approval = CREDENTIALS.some((c) => c.settings === credential.settings && c.policy?.default === 'approval');
      const settings = read({ slackTeamId: 'T0LATCHKEY', ...(approval && { adminUserIds: 'U0ADMIN', approvalsChannelId: 'C0APPROVALS' }), ...context });
      // With the credentials that share its settings (one directory's several actions), and no other.
      expect(settings.credentials.map((c) => c.credential.id)).toEqual(CREDENTIALS.filter((c) => c.settings === credential.settings).map((c) => c.id));
      expect(settings.secrets.map((x) => x.variable)).toEqual(variables.filter(([, s]) => s.secret).map(([v]) => v));
      for (const [variable, s] of variables) {
        if (!s.secret) continue;
        // The placeholder has the secret's shape: the credential's own schema accepts it.
        expect([variable, s.schema.safeParse(s.secret.placeholder).success]).toEqual([variable, true]);
      }
    },
  );

  test("a setting credentials share (the password generator's) sets none of them up: only the one with its own settings is on", () => {
    const [workmailLike] = CREDENTIALS.filter((c) => 'PASSWORD_LENGTH' in c.settings.variables);
    const context = Object.fromEntries(
      Object.values(workmailLike!.settings.variables).flatMap((s) => (s.context && s.example !== undefined ? [[s.context, s.example]] : [])),
    );
    const settings = read({ slackTeamId: 'T0LATCHKEY', ...context, passwordLength: '24' });
    expect(settings.credentials.map((c) => c.credential.id)).toEqual([workmailLike!.id]);
    expect(settings.environment.PASSWORD_LENGTH).toBe('24');
  });

  test('with no credential there is nothing to deploy; the problem is said in context keys, one per directory, each a key Latchkey reads', () => {
    expect(problems({ slackTeamId: 'T0LATCHKEY' })).toEqual([expect.stringMatching(/^No credential is set up, so there is nothing to reset\. Set up at least one: .*: set chimeAccountId\. Each then says what else it needs\.$/)]);
    const [problem] = problems({ slackTeamId: 'T0LATCHKEY' });
    // Google's is its admin's email: its service account key is a secret, which has no context key.
    const named = [...problem!.matchAll(/: set (\w+)/g)].map((m) => m[1]!);
    expect(named).toContain('googleAdminEmail');
    expect(named.filter((key) => !CONTEXT_KEYS.includes(key))).toEqual([]);
    expect(named).toHaveLength(new Set(CREDENTIALS.map((c) => c.settings)).size);
  });

  test("a WorkMail organization ID in capitals is the same organization: the role's grant names it in the lower case WorkMail's ARNs use", () => {
    const s = read({ workmailOrganizationId: WORKMAIL_ORG.toUpperCase(), slackTeamId: 'T0LATCHKEY' });
    const [{ credential, settings }] = s.credentials as [(typeof s.credentials)[number]];
    expect(credential.grants(settings)).toEqual([expect.objectContaining({ resources: [expect.objectContaining({ resourceName: WORKMAIL_ORG })] })]);
  });

  test('the workspace is required, and an Enterprise Grid org goes in its own setting', () => {
    expect(problems({ chimeAccountId: CHIME_ACCOUNT })).toEqual([expect.stringMatching(/^slackTeamId: is required/)]);
    expect(problems({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'E0ORG1' })).toEqual([
      expect.stringMatching(/^slackTeamId: is an Enterprise Grid org ID \(E…\): put it in slackEnterpriseId/),
    ]);
    expect(read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', slackEnterpriseId: 'E0ORG1' }).environment).toMatchObject({ SLACK_ENTERPRISE_ID: 'E0ORG1' });
  });

  test('slackEmailsVerifiedBySso reaches the function as SLACK_EMAILS_VERIFIED_BY_SSO, as -c text or a cdk.json boolean, and a bad value is the app\'s problem', () => {
    const base = { chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' };
    expect(read({ ...base, slackEmailsVerifiedBySso: 'true' }).environment).toMatchObject({ SLACK_EMAILS_VERIFIED_BY_SSO: 'true' });
    // Before: a boolean in cdk.json's context was "slackEmailsVerifiedBySso: must be a string".
    expect(read({ ...base, slackEmailsVerifiedBySso: true }).environment).toMatchObject({ SLACK_EMAILS_VERIFIED_BY_SSO: 'true' });
    expect(problems({ ...base, slackEmailsVerifiedBySso: 'sso' })).toEqual([expect.stringMatching(/^slackEmailsVerifiedBySso: must be true or false/)]);
  });

  test('license requests need admins and a directory with licenses, as the app does', () => {
    expect(problems({ workmailOrganizationId: WORKMAIL_ORG, approvalsChannelId: 'C0APPROVALS', slackTeamId: 'T0LATCHKEY' })).toEqual([
      expect.stringContaining('an approvals channel needs admins to decide its requests: set adminUserIds'),
      expect.stringContaining('set chimeAccountId too'),
    ]);
  });

  test('every malformed value is reported at once', () => {
    const found = problems({
      chimeAccountId: 'not-a-uuid',
      workmailOrganizationId: 'm-123',
      adminUserIds: 'U0OK,bob',
      adminUsergroupId: 'G123',
      approvalsChannelId: '#general',
      slackTeamId: 'acme',
      stackName: '1-latchkey',
      lambdaRuntime: 'nodejs18.x',
      logLevel: 'loud',
      logRetentionDays: '100',
      reservedConcurrency: '1',
      alarmEmail: 'ops at acme',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(
      [
        'stackName',
        'lambdaRuntime',
        'logRetentionDays',
        'reservedConcurrency',
        'alarmEmail',
        'slackTeamId',
        'approvalsChannelId',
        'adminUserIds',
        'adminUsergroupId',
        'logLevel',
        'chimeAccountId',
        'workmailOrganizationId',
      ].sort(),
    );
  });

  test('Node.js 20 and 22 are refused: the runtime is the newest the CDK knows, as cdk-nag requires', () => {
    for (const lambdaRuntime of ['nodejs20.x', 'nodejs22.x']) {
      expect(problems({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', lambdaRuntime })).toEqual([expect.stringMatching(/^lambdaRuntime: must be one of nodejs24\.x/)]);
    }
  });

  test('an alarm address and the bot IDs (which spare a cold start its auth.test) are read from context', () => {
    const s = read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', alarmEmail: 'it-oncall@acme.example', slackBotId: 'B0LATCH', slackBotUserId: 'U0LATCH' });
    expect(s.alarmEmail).toBe('it-oncall@acme.example');
    expect(s.environment).toMatchObject({ SLACK_BOT_ID: 'B0LATCH', SLACK_BOT_USER_ID: 'U0LATCH' });
  });

  test('one bot ID without the other is refused at synth, naming the context key missing: the function would have asked auth.test at every cold start all the same', () => {
    expect(problems({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', slackBotId: 'B0LATCH' })).toEqual([
      expect.stringMatching(/^slackBotUserId: is required with slackBotId: the bot's user ID, such as U0123ABCD \(auth\.test's user_id\); with both, a Lambda cold start skips auth\.test\. .*, or remove slackBotId$/),
    ]);
  });

  test('a context key a letter or two off one of ours (alarmEmial) is refused with what it likely means: left alone, the alarms would page nobody; the CDK\'s own keys are not', () => {
    const context = { chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', alarmEmial: 'it-oncall@acme.example', chimeAcountId: CHIME_ACCOUNT, '@aws-cdk/core:newStyleStackSynthesis': true };
    expect(() => settingsFromContext((key) => (context as Record<string, unknown>)[key], Object.keys(context))).toThrow(SettingsError);
    try {
      settingsFromContext((key) => (context as Record<string, unknown>)[key], Object.keys(context));
    } catch (err) {
      expect((err as SettingsError).problems).toEqual([
        'alarmEmial: is not a context key Latchkey reads, so it would be ignored: did you mean alarmEmail?',
        'chimeAcountId: is not a context key Latchkey reads, so it would be ignored: chimeAccountId is given too; remove chimeAcountId',
      ]);
    }
    // As cdk synth builds it: -c keys and cdk.json's, the feature flags among them.
    expect(() => buildApp({ context: { chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', alarmEmial: 'it-oncall@acme.example' } })).toThrow(/alarmEmial: .*did you mean alarmEmail\?/);
  });

  test('a stack name that would make the function name longer than 64 characters is refused', () => {
    expect(problems({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', stackName: `L${'a'.repeat(55)}` })).toEqual([expect.stringMatching(/^stackName:/)]);
    expect(read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', stackName: `L${'a'.repeat(54)}` }).functionName).toHaveLength(63);
  });

  test('the stack refuses a lambda.js older than the sources, saying what to run (issue 26 §3: it would deploy stale code)', () => {
    const old = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-oldcode-'));
    try {
      fs.writeFileSync(path.join(old, 'lambda.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
      fs.utimesSync(path.join(old, 'lambda.js'), new Date('2001-01-01'), new Date('2001-01-01'));
      expect(() => buildApp({ context: { codePath: old, chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' } })).toThrow(
        /lambda\.js is older than (src\/|package-lock\.json|scripts\/).*Run `npm run build:lambda`.*leave -c codePath out and `cdk deploy` builds it/,
      );
    } finally {
      fs.rmSync(old, { recursive: true, force: true });
    }
  });

  test('the stack refuses a code directory without lambda.js, before anything is synthesized', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-nocode-'));
    try {
      expect(() => buildApp({ context: { codePath: empty, chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' } })).toThrow(/No lambda\.js in/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('resetPolicy and verifyWith in CDK context', () => {
  const read = (context: Partial<Record<ContextKey, unknown>>) => settingsFromContext((key) => context[key]);
  const problemsOf = (context: Partial<Record<ContextKey, unknown>>): readonly string[] => {
    try {
      read(context);
    } catch (err) {
      if (err instanceof SettingsError) return err.problems;
      throw err;
    }
    return [];
  };
  const base = { chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' };

  test('becomes RESET_POLICY in the environment, checked as the app checks it', () => {
    expect(read({ ...base, resetPolicy: 'pin=approval', adminUserIds: 'U0ONE', approvalsChannelId: 'C0APPROVALS' }).environment).toMatchObject({ RESET_POLICY: 'pin=approval' });
    // Its requests go to the approvals channel: without one, the stack refuses it as the app does.
    expect(problemsOf({ ...base, resetPolicy: 'pin=approval', adminUserIds: 'U0ONE' })).toEqual(['resetPolicy: pin=approval needs a channel where admins see requests: set approvalsChannelId']);
  });

  test('an unknown credential or policy, and verify without a verifier, are refused in context keys', () => {
    expect(problemsOf({ ...base, resetPolicy: 'okta=verify' })).toEqual([expect.stringMatching(/^resetPolicy: "okta" is not a credential: use one of pin, password, okta_password/)]);
    expect(problemsOf({ ...base, resetPolicy: 'pin=mfa' })).toEqual([expect.stringMatching(/^resetPolicy: "mfa" \(for pin\) is not a policy: use one of self-service, verify, approval/)]);
    expect(problemsOf({ ...base, resetPolicy: 'pin=verify' })).toEqual([expect.stringMatching(/^verifyWith: pin=verify needs a verifier: set verifyWith to /)]);
    expect(problemsOf({ ...base, verifyWith: 'pigeon' })).toEqual([expect.stringMatching(/^verifyWith: "pigeon" is not a verifier/)]);
  });

  test('verifyTimeoutSeconds becomes VERIFY_TIMEOUT_SECONDS, and the function is given that wait; out of range, refused in context keys as the app refuses it', () => {
    const verifying = { ...base, oktaOrgUrl: 'https://acme.okta.com', resetPolicy: 'pin=verify', verifyWith: 'okta' };
    const read120 = read({ ...verifying, verifyTimeoutSeconds: '120' });
    expect(read120.environment).toMatchObject({ VERIFY_TIMEOUT_SECONDS: '120' });
    expect(read120.verifyTimeoutSeconds).toBe(120);
    expect(read120.functionTimeoutS - read({ ...verifying }).functionTimeoutS).toBe(60);
    for (const value of ['0', '301', 'a minute']) {
      expect(problemsOf({ ...verifying, verifyTimeoutSeconds: value })).toEqual(['verifyTimeoutSeconds: must be a whole number from 1 to 300']);
    }
  });

  test("verifyPollMs becomes VERIFY_POLL_MS (how often a waiting push is checked: a small Okta org's shared rate limit may need it slower), leaving the function's timeout as it is; out of range, refused in context keys as the app refuses it", () => {
    const verifying = { ...base, oktaOrgUrl: 'https://acme.okta.com', resetPolicy: 'pin=verify', verifyWith: 'okta' };
    const slower = read({ ...verifying, verifyPollMs: '6000' });
    expect(slower.environment).toMatchObject({ VERIFY_POLL_MS: '6000' });
    // The wait ends at its deadline whatever the interval (the waiter's tick): the timeout does not count it.
    expect(slower.functionTimeoutS).toBe(read({ ...verifying }).functionTimeoutS);
    for (const value of ['50', '10001', 'often']) {
      expect(problemsOf({ ...verifying, verifyPollMs: value })).toEqual(['verifyPollMs: must be a whole number from 100 to 10000']);
    }
  });
});

describe("every setting the app reads can be deployed, or is listed with why it is not a context key", () => {
  // The schema's, and each credential's and verifier's own (a verifier may share a directory's Setting).
  const appSettings = [...new Set([...CONFIG_VARIABLES, ...[...CREDENTIALS, ...VERIFIERS].flatMap((c) => Object.keys(c.settings.variables))])];
  const deployed = new Set(Object.values(VARIABLE_OF_CONTEXT));

  test('each is a context key or on NOT_CONTEXT_KEYS with its reason: a setting added without either could not be set on Lambda, and the synth would name it "not used"', () => {
    expect(appSettings.filter((variable) => !deployed.has(variable) && !NOT_CONTEXT_KEYS[variable]?.trim())).toEqual([]);
  });

  test('none is both (a listed one given a key would leave a stale reason), and the list names only settings the app reads', () => {
    expect(Object.keys(NOT_CONTEXT_KEYS).filter((variable) => deployed.has(variable))).toEqual([]);
    expect(Object.keys(NOT_CONTEXT_KEYS).filter((variable) => !appSettings.includes(variable))).toEqual([]);
  });

  test('the secrets are among the listed, each for Secrets Manager: a secret as a context key would be in the template', () => {
    for (const variable of secretVariables()) expect([variable, NOT_CONTEXT_KEYS[variable]]).toEqual([variable, expect.stringMatching(/Secrets Manager/)]);
  });
});

describe("the core's operating settings as context keys", () => {
  const given = {
    approvalResponseTime: '4 working hours',
    licenseRequestTtlHours: '48',
    resetMaxPerHour: '5',
    resetMaxPerMinuteGlobal: '60',
    licenseRequestMaxPerDay: '2',
    auditRetentionDays: '2555',
    slackApiRetries: '1',
    slackApiUrl: 'https://slack-proxy.acme.example/api/',
  };

  test("given by -c, each reaches the function's environment as the variable the app reads", () => {
    const s = synth({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', ...given });
    const fn = s.json.Resources[logicalIdOf(s.json, 'AWS::Lambda::Function')]!.Properties;
    expect(fn.Environment.Variables).toMatchObject({
      APPROVAL_RESPONSE_TIME: '4 working hours',
      LICENSE_REQUEST_TTL_HOURS: '48',
      RESET_MAX_PER_HOUR: '5',
      RESET_MAX_PER_MINUTE_GLOBAL: '60',
      LICENSE_REQUEST_MAX_PER_DAY: '2',
      AUDIT_RETENTION_DAYS: '2555',
      SLACK_API_RETRIES: '1',
      SLACK_API_URL: 'https://slack-proxy.acme.example/api/',
    });
  });

  test('out of range, refused at synth in context keys as the app refuses them', () => {
    const base = { chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' };
    expect(problems({ ...base, auditRetentionDays: '0' })).toEqual([expect.stringMatching(/^auditRetentionDays: must be a whole number from 1 to 3650/)]);
    expect(problems({ ...base, resetMaxPerHour: 'many' })).toEqual([expect.stringMatching(/^resetMaxPerHour: /)]);
    expect(problems({ ...base, approvalResponseTime: 'within a day' })).toEqual([expect.stringMatching(/^approvalResponseTime: give only what follows "within"/)]);
    expect(problems({ ...base, slackApiUrl: 'http://slack-proxy.acme.example/api/' })).toEqual([expect.stringMatching(/^slackApiUrl: /)]);
  });
});

describe("a local stand-in's address (loopback), which the app accepts for tests, is refused for the function", () => {
  const base = { chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' };

  test('every setting given a loopback URL is refused, naming its context key and variable: Lambda has nothing listening there, so every call to it would fail', () => {
    // Every app setting, not a list of the URL ones: a directory's URL setting added later is covered.
    const unrefused = Object.entries(VARIABLE_OF_CONTEXT).filter(
      ([key, variable]) => !problems({ ...base, [key]: 'http://127.0.0.1:8080' }).some((p) => p.startsWith(`${key} (${variable}): points at 127.0.0.1:8080, a local stand-in's address`)),
    );
    expect(unrefused).toEqual([]);
  });

  test('localhost, ::1, any 127.x and https:// on them are refused too, saying the host alone (never a password in the URL) and how to unset it', () => {
    for (const url of ['http://localhost:3999/api/', 'http://[::1]:3999/api/', 'http://127.1.2.3/api/', 'https://localhost/api/', 'http://stand-in.localhost/api/']) {
      expect([url, problems({ ...base, slackApiUrl: url })]).toEqual([url, expect.arrayContaining([expect.stringMatching(/^slackApiUrl \(SLACK_API_URL\): points at .*: unset SLACK_API_URL in \.env \(or your shell\), or give -c slackApiUrl= /)])]);
    }
    const [said] = problems({ ...base, slackApiUrl: 'http://user:pa55w0rd@127.0.0.1:3999/api/' });
    expect(said).toContain('points at 127.0.0.1:3999');
    expect(said).not.toContain('pa55w0rd');
  });

  test("a real service's address is still taken", () => {
    expect(read({ ...base, slackApiUrl: 'https://slack-proxy.acme.example/api/' }).environment).toMatchObject({ SLACK_API_URL: 'https://slack-proxy.acme.example/api/' });
  });
});
