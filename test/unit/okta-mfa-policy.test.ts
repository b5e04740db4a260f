import { loadConfig, policyProblems } from '../../src/config';
import { parseResetPolicy } from '../../src/flows/policy';
import { CREDENTIALS } from '../../src/credentials';
import type { VerifierPlugin } from '../../src/verifiers/verifier';

/** /reset-okta-mfa's declared policy (issue 25): approval by default, never self-service, never the Okta Verify push. */
const OKTA = {
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aaabbb85a5',
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_TEAM_ID: 'T0LATCHKEY',
  OKTA_ORG_URL: 'https://acme.okta.com',
  OKTA_API_TOKEN: '00abcdefghijklmnopqrstuvwxyz',
};
const load = (env: Record<string, string>) => loadConfig({ ...OKTA, ...env });
const problemsOf = (env: Record<string, string>) => {
  const result = load(env);
  return result.ok ? [] : result.problems;
};

describe('okta_mfa policy', () => {
  it('defaults to approval: an admin approves every MFA reset', () => {
    const result = load({ ADMIN_USER_IDS: 'UADA', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(result.ok && result.config.policies.get('okta_mfa')).toBe('approval');
    expect(result.ok && result.config.credentials.map((c) => c.credential.id)).toContain('okta_mfa');
  });

  it('self-service in RESET_POLICY is a config error that says what is allowed', () => {
    expect(problemsOf({ ADMIN_USER_IDS: 'UADA', RESET_POLICY: 'okta_mfa=self-service' })).toEqual(['RESET_POLICY: okta_mfa may not be self-service: use verify or approval']);
  });

  it('verify with the Okta Verify push is a config error: the person has lost that phone', () => {
    // The verifiers as registered by VERIFY_WITH's IDs (the Okta Verify plug-in is verify's; its ID is what counts here).
    const verifier = (id: string) => ({ id, words: { app: id }, audit: { verifier: id }, settings: { variables: {}, read: () => ({}) } }) as unknown as VerifierPlugin;
    const registries = { credentials: CREDENTIALS, verifiers: [verifier('okta'), verifier('duo')] };
    const mfa = CREDENTIALS.filter((c) => c.id === 'okta_mfa');
    const check = (values: Record<string, string>) =>
      policyProblems({ ADMIN_USER_IDS: ['UADA'], ...values }, parseResetPolicy(values.RESET_POLICY ?? '', ['okta_mfa']).named, mfa, registries).map((p) => `${p.variable}: ${p.message}`);
    expect(check({ RESET_POLICY: 'okta_mfa=verify', VERIFY_WITH: 'okta' })).toEqual(['VERIFY_WITH: okta cannot verify okta_mfa resets: use duo, or another policy for okta_mfa']);
    // Another verifier may prove it: Duo's push does not go to Okta Verify.
    expect(check({ RESET_POLICY: 'okta_mfa=verify', VERIFY_WITH: 'duo' })).toEqual([]);
  });

  it.each([
    ['no admin and no approvals channel', {}],
    ['admins but no approvals channel', { ADMIN_USER_IDS: 'UADA' }],
  ])('with %s, and not named in RESET_POLICY, it is off: an Okta deployment that never asked for it still starts, and the other Okta commands work', (_what, env) => {
    const result = load(env);
    expect(result.ok).toBe(true);
    const ids = result.ok ? result.config.credentials.map((c) => c.credential.id) : [];
    expect(ids).toEqual(['okta_password', 'okta_unlock']);
  });

  it('named approval in RESET_POLICY with no admin is a config error, not silently off', () => {
    expect(problemsOf({ RESET_POLICY: 'okta_mfa=approval' })).toEqual([
      'RESET_POLICY: okta_mfa=approval needs admins to approve: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both',
      'RESET_POLICY: okta_mfa=approval needs a channel where admins see requests: set APPROVALS_CHANNEL_ID',
    ]);
  });
});
