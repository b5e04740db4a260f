import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../infra/lib/app';
import { REPO_ROOT, settingsFromContext, SettingsError, type ContextKey } from '../../infra/lib/settings';
import { CHIME_ACCOUNT, WORKMAIL_ORG } from './support';

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
  test('defaults: stack Latchkey, code in dist/, Node.js 20, info logs kept 90 days', () => {
    expect(read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY' })).toEqual({
      stackName: 'Latchkey',
      codePath: path.join(REPO_ROOT, 'dist'),
      functionName: 'Latchkey-handler',
      runtime: 'nodejs20.x',
      chimeAccountId: CHIME_ACCOUNT,
      workmailOrganizationId: undefined,
      adminUserIds: [],
      adminUsergroupId: undefined,
      approvalsChannelId: undefined,
      slackTeamId: 'T0LATCHKEY',
      slackEnterpriseId: undefined,
      logLevel: 'info',
      logRetentionDays: 90,
      reservedConcurrency: undefined,
    });
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
    expect(s).toMatchObject({ adminUserIds: ['U0ONE', 'U0TWO'], logRetentionDays: 30, reservedConcurrency: 5, slackEnterpriseId: undefined, codePath: '/abs/package' });
  });

  test('with neither Chime nor WorkMail there is nothing to deploy', () => {
    expect(problems({ slackTeamId: 'T0LATCHKEY' })).toEqual([expect.stringMatching(/^chimeAccountId: set chimeAccountId, workmailOrganizationId or both/)]);
  });

  test('the workspace is required, and an Enterprise Grid org goes in its own setting', () => {
    expect(problems({ chimeAccountId: CHIME_ACCOUNT })).toEqual([expect.stringMatching(/^slackTeamId: is required/)]);
    expect(problems({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'E0ORG1' })).toEqual([
      expect.stringMatching(/^slackTeamId: is an Enterprise Grid org ID \(E…\): put it in slackEnterpriseId/),
    ]);
    expect(read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', slackEnterpriseId: 'E0ORG1' })).toMatchObject({ slackEnterpriseId: 'E0ORG1' });
  });

  test('license requests need admins and Chime, as the app does', () => {
    expect(problems({ workmailOrganizationId: WORKMAIL_ORG, approvalsChannelId: 'C0APPROVALS', slackTeamId: 'T0LATCHKEY' })).toEqual([
      expect.stringContaining('license requests need admins'),
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
    });
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'stackName',
      'chimeAccountId',
      'workmailOrganizationId',
      'adminUsergroupId',
      'approvalsChannelId',
      'slackTeamId',
      'adminUserIds',
      'lambdaRuntime',
      'logLevel',
      'logRetentionDays',
      'reservedConcurrency',
    ]);
  });

  test('a stack name that would make the function name longer than 64 characters is refused', () => {
    expect(problems({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', stackName: `L${'a'.repeat(55)}` })).toEqual([expect.stringMatching(/^stackName:/)]);
    expect(read({ chimeAccountId: CHIME_ACCOUNT, slackTeamId: 'T0LATCHKEY', stackName: `L${'a'.repeat(54)}` }).functionName).toHaveLength(63);
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
