import { CHIME_ACCOUNT, logicalIdOf, roleStatements, synth, WORKMAIL_ORG, type Synthesized } from './support';

/**
 * The stack grants only what the chosen features use. Two small syntheses: Chime without
 * license requests, and WorkMail alone under another stack name, runtime and log retention.
 */
let chimeOnly: Synthesized;
let workmailOnly: Synthesized;
let oktaOnly: Synthesized;

beforeAll(() => {
  chimeOnly = synth({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' });
  workmailOnly = synth({
    workmailOrganizationId: WORKMAIL_ORG,
    slackTeamId: 'T0ACME',
    slackEnterpriseId: 'E0ACME',
    stackName: 'Acme-Latchkey',
    lambdaRuntime: 'nodejs24.x',
    logRetentionDays: '365',
  });
  oktaOnly = synth({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0ACME' });
});

const statements = (s: Synthesized) => roleStatements(s.json, logicalIdOf(s.json, 'AWS::IAM::Role'));
const fn = (s: Synthesized) => s.json.Resources[logicalIdOf(s.json, 'AWS::Lambda::Function')]!.Properties;
const sids = (s: Synthesized) => statements(s).map((st) => st.Sid);

describe('Chime without license requests', () => {
  test('may list users and reset PINs, but not read licenses or change them', () => {
    expect(statements(chimeOnly).find((st) => st.Sid === 'ChimeUsers')?.Action).toEqual(['chime:ListUsers', 'chime:ResetPersonalPIN']);
  });

  test('has no WorkMail permission and no WorkMail or license settings in its environment', () => {
    expect(sids(chimeOnly)).not.toContain('WorkMailUsers');
    const env = fn(chimeOnly).Environment.Variables;
    for (const key of ['WORKMAIL_ORGANIZATION_ID', 'APPROVALS_CHANNEL_ID', 'ADMIN_USER_IDS', 'ADMIN_USERGROUP_ID', 'SLACK_ENTERPRISE_ID']) {
      expect(env).not.toHaveProperty(key);
    }
    expect(env).toMatchObject({ CHIME_ACCOUNT_ID: CHIME_ACCOUNT, LOG_LEVEL: 'info', SLACK_TEAM_ID: 'T0LATCHKEY' });
  });

  test('reserves 100 concurrent executions unless told otherwise', () => {
    expect(fn(chimeOnly).ReservedConcurrentExecutions).toBe(100);
  });

  test("runs 30 s: the PIN's change is one AWS call; WorkMail's password, a second when its policy refuses the first, 37 s", () => {
    expect(fn(chimeOnly).Timeout).toBe(30);
    expect(fn(workmailOnly).Timeout).toBe(37);
  });

  test('with no alarmEmail the topic has no subscription (one is added by hand or by -c alarmEmail)', () => {
    expect(Object.values(chimeOnly.json.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription')).toEqual([]);
  });

  test('with no alarmEmail the synth and the deploy warn that no alarm reaches anyone until the topic has a subscriber', () => {
    expect(chimeOnly.warnings).toEqual([expect.stringMatching(/^No -c alarmEmail: .*no alarm reaches anyone .*-c alarmEmail=.*AlertsTopicArn.*"Alerts: who gets what"/)]);
  });

  test('passes cdk-nag with the Chime Resource "*" acknowledged', () => {
    expect(chimeOnly.validationError).toBeUndefined();
    expect(chimeOnly.acknowledgments.map((a) => a.id)).toContain('AwsSolutions::AwsSolutions-IAM5[Resource::*]');
  });
});

describe('WorkMail only, another stack name, Node.js 24, a year of logs', () => {
  test('has no Chime permission and no "*" resource at all', () => {
    expect(sids(workmailOnly)).not.toContain('ChimeUsers');
    expect(statements(workmailOnly).flatMap((st) => st.Resource)).not.toContain('*');
    expect(workmailOnly.acknowledgments.map((a) => a.id)).not.toContain('AwsSolutions::AwsSolutions-IAM5[Resource::*]');
    expect(workmailOnly.validationError).toBeUndefined();
  });

  test('serves the named Enterprise Grid org as well as the workspace', () => {
    expect(fn(workmailOnly).Environment.Variables).toMatchObject({ SLACK_TEAM_ID: 'T0ACME', SLACK_ENTERPRISE_ID: 'E0ACME' });
  });

  test('names the function after the stack and invokes only that name', () => {
    expect(fn(workmailOnly).FunctionName).toBe('Acme-Latchkey-handler');
    const invoke = statements(workmailOnly).find((st) => st.Sid === 'InvokeSelf');
    expect(JSON.stringify(invoke?.Resource)).toContain(':function:Acme-Latchkey-handler"');
  });

  test('uses the chosen runtime and retention, and CloudFormation raises no deprecation warning', () => {
    expect(fn(workmailOnly).Runtime).toBe('nodejs24.x');
    workmailOnly.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    const findings = workmailOnly.report?.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName)) ?? [];
    expect(findings).toEqual([]);
  });
});

describe('Okta alone', () => {
  const secrets = () => s(oktaOnly).filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret');
  const s = (x: Synthesized) => Object.entries(x.json.Resources);

  test('creates a secret for the API token, and the function gets its ARN, never a value', () => {
    expect(secrets()).toHaveLength(3);
    const env = fn(oktaOnly).Environment.Variables;
    expect(env.OKTA_ORG_URL).toBe('https://acme.okta.com');
    expect(env).not.toHaveProperty('OKTA_API_TOKEN');
    const [tokenSecret] = secrets().filter(([id]) => id.startsWith('SecretOktaApiToken'));
    expect(env.OKTA_API_TOKEN_ARN).toEqual({ Ref: tokenSecret![0] });
    expect(tokenSecret![1].Properties.Description).toContain('Okta API token');
    oktaOnly.template.hasOutput('SecretOktaApiTokenArn', {});
  });

  test('may read the token, and is granted nothing in Chime or WorkMail', () => {
    const read = statements(oktaOnly).find((st) => st.Sid === 'ReadSecrets');
    expect(read?.Resource).toHaveLength(3);
    expect(sids(oktaOnly)).not.toContain('ChimeUsers');
    expect(sids(oktaOnly)).not.toContain('WorkMailUsers');
    expect(oktaOnly.validationError).toBeUndefined();
  });

  test("with the verify policy the function may run for the push's minute besides the 37 s Okta's password needs (an unlock, then the reset: 7 s more than one AWS call); without it, 37 s", () => {
    expect(fn(oktaOnly).Timeout).toBe(37);
    const verifying = synth({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0ACME', resetPolicy: 'okta_password=verify', verifyWith: 'okta' });
    expect(fn(verifying).Timeout).toBe(97);
    expect(fn(verifying).Environment.Variables).toMatchObject({ RESET_POLICY: 'okta_password=verify', VERIFY_WITH: 'okta' });
  });

  test('-c verifyTimeoutSeconds=120: the push may wait 2 minutes, the function runs for them besides its 37 s, and the app is told the same wait', () => {
    const verifying = synth({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0ACME', resetPolicy: 'okta_password=verify', verifyWith: 'okta', verifyTimeoutSeconds: '120' });
    expect(fn(verifying).Timeout).toBe(157);
    expect(fn(verifying).Environment.Variables).toMatchObject({ VERIFY_TIMEOUT_SECONDS: '120' });
    expect(() => synth({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0ACME', resetPolicy: 'okta_password=verify', verifyWith: 'okta', verifyTimeoutSeconds: '600' })).toThrow(
      /verifyTimeoutSeconds: must be a whole number from 1 to 300/,
    );
  });

  test("with the verify policy the role may read the closes of waiting modals, GetItem on the rate-limit table's close# items alone; without it, nothing more; cdk-nag passes", () => {
    const verifying = synth({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0ACME', resetPolicy: 'okta_password=verify', verifyWith: 'okta' });
    const rateLimitTable = logicalIdOf(verifying.json, 'AWS::DynamoDB::Table', (p) => p.KeySchema.length === 1);
    const read = statements(verifying).filter((st) => st.Sid === 'ReadClosedWaits');
    expect(read).toEqual([
      {
        Sid: 'ReadClosedWaits',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: [{ 'Fn::GetAtt': [rateLimitTable, 'Arn'] }],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['close#*'] } },
      },
    ]);
    // The close itself is written with the UpdateItem the rate limits already have: nothing else is new.
    expect(sids(verifying).filter((sid) => !sids(oktaOnly).includes(sid))).toEqual(['ReadClosedWaits']);
    expect(statements(verifying).find((st) => st.Sid === 'RateLimits')?.Action).toEqual(['dynamodb:UpdateItem']);
    expect(verifying.validationError).toBeUndefined();
    expect((verifying.report?.pluginReports ?? []).flatMap((r) => r.violations)).toEqual([]);
  });

  test('verify with Duo: a secret for DUO_SECRET_KEY (its ARN in the environment, never a value); without its hostname, refused in context keys', () => {
    const withDuo = synth({
      oktaOrgUrl: 'https://acme.okta.com',
      slackTeamId: 'T0ACME',
      resetPolicy: 'okta_password=verify',
      verifyWith: 'duo',
      duoApiHostname: 'api-1a2b3c4d.duosecurity.com',
      duoIntegrationKey: 'DIWJ8X6AEYOR5OMC6TQ1',
    });
    const env = fn(withDuo).Environment.Variables;
    expect(env).toMatchObject({ VERIFY_WITH: 'duo', DUO_API_HOSTNAME: 'api-1a2b3c4d.duosecurity.com', DUO_INTEGRATION_KEY: 'DIWJ8X6AEYOR5OMC6TQ1' });
    expect(env).not.toHaveProperty('DUO_SECRET_KEY');
    expect(env.DUO_SECRET_KEY_ARN).toBeDefined();
    expect(() => synth({ oktaOrgUrl: 'https://acme.okta.com', slackTeamId: 'T0ACME', resetPolicy: 'okta_password=verify', verifyWith: 'duo' })).toThrow(/duoApiHostname: is required with verifyWith=duo/);
  });

  test('refuses a plain-http org URL, as the app would', () => {
    expect(() => synth({ oktaOrgUrl: 'http://acme.okta.com', slackTeamId: 'T0ACME' })).toThrow(/oktaOrgUrl: must use https:\/\//);
  });
});
