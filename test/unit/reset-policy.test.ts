import { credentialsOff, loadConfig, policiesBelowRecommended, policyProblems } from '../../src/config';
import type { Credential } from '../../src/credentials/credential';
import { CREDENTIALS } from '../../src/credentials';
import * as policy from '../../src/flows/policy';
import { parseResetPolicy } from '../../src/flows/policy';
import type { VerifierPlugin } from '../../src/verifiers/verifier';

const VALID = {
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aaabbb85a5',
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_TEAM_ID: 'T0LATCHKEY',
  CHIME_ACCOUNT_ID: '12a3c1a8-8d1c-4b8e-9a8f-2d8d1c1e7f00',
  WORKMAIL_ORGANIZATION_ID: `m-${'a'.repeat(32)}`,
};
/** Okta set up, with admins and an approvals channel: okta_mfa on, and its warnings (off for want of them) out of the way. */
const OKTA_WITH_APPROVALS = { OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx', ADMIN_USER_IDS: 'UADA,UMAX', APPROVALS_CHANNEL_ID: 'C0APPROVALS' };
const DUO = { VERIFY_WITH: 'duo', DUO_API_HOSTNAME: 'api-1234abcd.duosecurity.com', DUO_INTEGRATION_KEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SECRET_KEY: 'k'.repeat(40) };
/** The warnings, but that license requests are off: VALID sets up Amazon Chime without an approvals channel (that notice's own test is in config.test.ts). */
const policyWarnings = (r: ReturnType<typeof loadConfig>) => (r.ok ? r.config.warnings.filter((w) => w.subject !== 'license requests') : r.problems);
const problemsOf = (env: Record<string, string>) => {
  const result = loadConfig({ ...VALID, ...env });
  return result.ok ? [] : result.problems;
};

describe('RESET_POLICY', () => {
  it('unset: every credential keeps its own default, self-service for the three we have', () => {
    const result = loadConfig(VALID);
    expect(result.ok && [...result.config.policies]).toEqual([
      ['pin', 'self-service'],
      ['password', 'self-service'],
    ]);
  });

  it('reads <credential id>=<policy>, comma-separated, with spaces around the parts', () => {
    expect(parseResetPolicy(' pin = approval , password=self-service,', ['pin', 'password'])).toEqual({
      named: new Map([
        ['pin', 'approval'],
        ['password', 'self-service'],
      ]),
      problems: [],
    });
    const result = loadConfig({ ...VALID, RESET_POLICY: 'pin=approval', ADMIN_USER_IDS: 'UADA', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(result.ok && result.config.policies.get('pin')).toBe('approval');
    expect(result.ok && result.config.policies.get('password')).toBe('self-service');
  });

  it('an unknown credential lists the registry\'s IDs; an unknown policy lists the policies', () => {
    const ids = CREDENTIALS.map((c) => c.id).join(', ');
    expect(problemsOf({ RESET_POLICY: 'okta=verify' })).toContain(`RESET_POLICY: "okta" is not a credential: use one of ${ids}`);
    expect(problemsOf({ RESET_POLICY: 'pin=mfa' })).toContain('RESET_POLICY: "mfa" (for pin) is not a policy: use one of self-service, verify, approval');
    expect(problemsOf({ RESET_POLICY: 'pin' })).toContain(`RESET_POLICY: "pin" is not <credential id>=<policy>, e.g. ${CREDENTIALS[0]!.id}=verify`);
    expect(problemsOf({ RESET_POLICY: 'pin=approval,pin=verify', ADMIN_USER_IDS: 'UADA' })).toContain('RESET_POLICY: pin is named twice');
  });

  it('an ID with - for _ or in capitals says which ID it means', () => {
    const ids = CREDENTIALS.map((c) => c.id).join(', ');
    expect(problemsOf({ RESET_POLICY: 'okta-password=approval' })).toEqual([`RESET_POLICY: "okta-password" is not a credential: did you mean okta_password? use one of ${ids}`]);
    expect(problemsOf({ RESET_POLICY: 'PIN=approval' })).toEqual([`RESET_POLICY: "PIN" is not a credential: did you mean pin? use one of ${ids}`]);
  });

  it('a credential named but not set up here starts, with a warning naming it and what to do; its policy is not checked against admins it will never need', () => {
    const result = loadConfig({ ...VALID, RESET_POLICY: 'okta_password=approval,pin=self-service' });
    expect(policyWarnings(result)).toEqual([
      {
        variable: 'RESET_POLICY',
        subject: 'okta_password',
        message:
          "okta_password=approval is not in force: Okta is not set up here (OKTA_ORG_URL is unset), so /reset-okta-password is off. Set OKTA_ORG_URL and the rest of Okta's settings (README, Configuration) to offer it, or take okta_password out of RESET_POLICY",
      },
    ]);
    expect(result.ok && [...result.config.policies.keys()]).toEqual(['pin', 'password']);
    expect(policyWarnings(loadConfig({ ...VALID, RESET_POLICY: 'pin=self-service' }))).toEqual([]);
  });

  it("Okta set up without admins or an approvals channel: the start succeeds, /reset-okta-mfa (approval by default) is off, and a warning (⚠, not a problem) says why, what to set, and what RESET_POLICY could give it instead", () => {
    const okta = { OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx' };
    const none = loadConfig({ ...VALID, ...okta });
    expect(none.ok && none.config.credentials.map((c) => c.credential.id)).toEqual(['pin', 'password', 'okta_password', 'okta_unlock']);
    // okta_password's own (self-service, weaker than recommended): its own test, above.
    const mfa = (r: typeof none) => (r.ok ? r.config.warnings.filter((w) => w.subject === 'okta_mfa') : r.problems);
    expect(mfa(none)).toEqual([
      {
        variable: 'ADMIN_USER_IDS',
        subject: 'okta_mfa',
        notice: true,
        message:
          "/reset-okta-mfa is off: Okta is set up, but okta_mfa's policy is approval (its default), and there are no admins to approve and no approvals channel where admins see requests. " +
          'To offer it, set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both, and APPROVALS_CHANNEL_ID; or give okta_mfa another policy in RESET_POLICY: okta_mfa=verify (with VERIFY_WITH=duo and its settings). ' +
          'If you do not mean to offer it, there is nothing to do',
      },
    ]);
    // Admins but no channel: only the channel is asked for.
    const admins = loadConfig({ ...VALID, ...okta, ADMIN_USERGROUP_ID: 'S0ADMINS' });
    expect(mfa(admins).map((w) => (typeof w === 'string' ? w : [w.variable, w.message]))).toEqual([
      ['APPROVALS_CHANNEL_ID', expect.stringMatching(/^\/reset-okta-mfa is off: .*, and there is no approvals channel where admins see requests\. To offer it, set APPROVALS_CHANNEL_ID; or /)],
    ]);
    // Both: on, and nothing to say; Okta not set up: nothing to say either.
    const both = loadConfig({ ...VALID, ...okta, ADMIN_USER_IDS: 'UADA', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(both.ok && [both.config.credentials.map((c) => c.credential.id).includes('okta_mfa'), mfa(both)]).toEqual([true, []]);
    expect(policyWarnings(loadConfig(VALID))).toEqual([]);
    // Named in RESET_POLICY, it was asked for: the same gap is a problem, not a warning.
    expect(problemsOf({ ...okta, RESET_POLICY: 'okta_mfa=approval' })).toContain('RESET_POLICY: okta_mfa=approval needs admins to approve: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both');
  });

  it("Okta's password left self-service (its default) starts, with a warning (⚠, not a problem) that it is weaker than the verify recommended for it, why, and the RESET_POLICY entries to add; named in RESET_POLICY, nothing is said", () => {
    const okta = OKTA_WITH_APPROVALS;
    const left = loadConfig({ ...VALID, ...okta });
    expect(left.ok && left.config.policies.get('okta_password')).toBe('self-service');
    expect(left.ok && left.config.warnings).toEqual([
      {
        variable: 'RESET_POLICY',
        subject: 'okta_password',
        notice: true,
        message:
          "okta_password's policy is self-service (its default), weaker than the verify recommended for it: the Okta password opens everything behind single sign-on, and self-service gives a temporary one to whoever holds the Slack session. " +
          'Add okta_password=verify (with VERIFY_WITH=okta or duo and its settings) or okta_password=approval to RESET_POLICY. To keep self-service, name it there (okta_password=self-service) and this is not said again.',
      },
    ]);
    // Named, whatever the policy: the admin's choice, nothing to say.
    for (const named of ['okta_password=self-service', 'okta_password=approval']) {
      expect(policyWarnings(loadConfig({ ...VALID, ...okta, RESET_POLICY: named }))).toEqual([]);
    }
    // Okta not set up: nothing to say.
    expect(policyWarnings(loadConfig(VALID))).toEqual([]);
  });

  it("Okta's password with a verifier set (VERIFY_WITH) and RESET_POLICY not naming it: verify, its default there, and nothing to warn of; named, RESET_POLICY's entry wins", () => {
    const okta = OKTA_WITH_APPROVALS;
    for (const verifier of [DUO, { VERIFY_WITH: 'okta' }]) {
      const result = loadConfig({ ...VALID, ...okta, ...verifier });
      expect(result.ok && result.config.policies.get('okta_password')).toBe('verify');
      expect(policyWarnings(result)).toEqual([]);
      // The others keep theirs: only a plug-in's recommended verify is raised to.
      expect(result.ok && [result.config.policies.get('okta_unlock'), result.config.policies.get('password'), result.config.policies.get('okta_mfa')]).toEqual(['self-service', 'self-service', 'approval']);
    }
    for (const [named, policy] of [
      ['okta_password=self-service', 'self-service'],
      ['okta_password=approval', 'approval'],
    ] as const) {
      const result = loadConfig({ ...VALID, ...okta, ...DUO, RESET_POLICY: named });
      expect(result.ok && result.config.policies.get('okta_password')).toBe(policy);
      expect(policyWarnings(result)).toEqual([]);
    }
  });

  it("one admin in ADMIN_USER_IDS, no user group, and an approval policy or license requests in use: a warning (⚠) that the admin's own requests can never be decided, and what to set; two admins, a group, or nothing to decide: nothing said", () => {
    const oneAdmin = (r: ReturnType<typeof loadConfig>) => (r.ok ? r.config.warnings.filter((w) => w.subject === 'one admin') : r.problems);
    const pinApproval = { RESET_POLICY: 'pin=approval', APPROVALS_CHANNEL_ID: 'C0APPROVALS' };
    expect(oneAdmin(loadConfig({ ...VALID, ...pinApproval, ADMIN_USER_IDS: 'UADA' }))).toEqual([
      {
        variable: 'ADMIN_USER_IDS',
        subject: 'one admin',
        notice: true,
        message:
          "ADMIN_USER_IDS lists one admin, UADA, and ADMIN_USERGROUP_ID is unset, while admins decide license requests or pin=approval: an admin cannot decide their own request, so UADA's own requests can never be decided. Add a second admin to ADMIN_USER_IDS, or set ADMIN_USERGROUP_ID to a group of them",
      },
    ]);
    // Without license requests (WorkMail alone), the approval policy alone.
    const { CHIME_ACCOUNT_ID: _, ...mailOnly } = VALID;
    expect(oneAdmin(loadConfig({ ...mailOnly, RESET_POLICY: 'password=approval', APPROVALS_CHANNEL_ID: 'C0APPROVALS', ADMIN_USER_IDS: 'UADA' }))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('while admins decide password=approval: an admin cannot decide their own request') }),
    ]);
    expect(oneAdmin(loadConfig({ ...VALID, ...pinApproval, ADMIN_USER_IDS: 'UADA,UMAX' }))).toEqual([]);
    // A group's size is the doctor's to read.
    expect(oneAdmin(loadConfig({ ...VALID, ...pinApproval, ADMIN_USER_IDS: 'UADA', ADMIN_USERGROUP_ID: 'S0ADMINS' }))).toEqual([]);
    // One admin and nothing to decide (the Home tab's admin sections only): nothing said.
    expect(oneAdmin(loadConfig({ ...VALID, ADMIN_USER_IDS: 'UADA' }))).toEqual([]);
  });

  it('verify with no verifier is a config error that says what to set', () => {
    expect(problemsOf({ RESET_POLICY: 'password=verify' })).toEqual([expect.stringMatching(/^VERIFY_WITH: password=verify needs a verifier: set VERIFY_WITH to /)]);
  });

  it('an unknown verifier lists the verifiers', () => {
    expect(problemsOf({ VERIFY_WITH: 'carrier-pigeon' })).toEqual([expect.stringMatching(/^VERIFY_WITH: "carrier-pigeon" is not a verifier: use /)]);
  });

  it("a verifier misspelled, or named by its app (okta-verify), says the one likely meant, as a misspelled setting's name does", () => {
    const said = (value: string) => problemsOf({ VERIFY_WITH: value }).filter((p) => p.startsWith('VERIFY_WITH: '));
    for (const value of ['okta-verify', 'Okta Verify', 'okta-verfy', 'oktaverify', 'OKTA']) {
      expect(said(value)).toEqual([`VERIFY_WITH: "${value}" is not a verifier: did you mean okta (Okta Verify)? use one of okta, duo`]);
    }
    for (const value of ['dou', 'Duo Mobile', 'duo-mobile']) {
      expect(said(value)).toEqual([`VERIFY_WITH: "${value}" is not a verifier: did you mean duo (Duo Mobile)? use one of okta, duo`]);
    }
    // Nothing close: the list alone.
    expect(said('sms')).toEqual(['VERIFY_WITH: "sms" is not a verifier: use one of okta, duo']);
  });

  it('approval needs a channel where admins see the requests; with one, no licenses are needed', () => {
    expect(problemsOf({ RESET_POLICY: 'pin=approval', ADMIN_USER_IDS: 'UADA' })).toContain(
      'RESET_POLICY: pin=approval needs a channel where admins see requests: set APPROVALS_CHANNEL_ID',
    );
    const mailOnly = loadConfig({ SLACK_SIGNING_SECRET: VALID.SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: VALID.SLACK_BOT_TOKEN, SLACK_TEAM_ID: VALID.SLACK_TEAM_ID, WORKMAIL_ORGANIZATION_ID: VALID.WORKMAIL_ORGANIZATION_ID, RESET_POLICY: 'password=approval', ADMIN_USER_IDS: 'UADA', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(mailOnly.ok ? [] : mailOnly.problems).toEqual([]);
    expect(mailOnly.ok && mailOnly.config.approvalsChannelId).toBe('C0APPROVALS');
  });

  it('approval needs admins to approve', () => {
    expect(problemsOf({ RESET_POLICY: 'pin=approval' })).toContain('RESET_POLICY: pin=approval needs admins to approve: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both');
  });

  it('every problem is reported together with the others', () => {
    expect(problemsOf({ RESET_POLICY: 'x=verify,pin=nope', PORT: 'eighty' })).toEqual(
      expect.arrayContaining(['PORT: must be a port number from 0 to 65535, not "eighty"', expect.stringMatching(/^RESET_POLICY: "x"/), expect.stringMatching(/^RESET_POLICY: "nope"/)]),
    );
  });

  it("what RESET_POLICY asks of a credential (admins and a channel, a verifier) is said along with what the credential's own settings lack and every other problem, not after they are fixed", () => {
    const { CHIME_ACCOUNT_ID: _, WORKMAIL_ORGANIZATION_ID: __, SLACK_SIGNING_SECRET: ___, ...base } = VALID;
    const sorted = (env: Record<string, string>) => {
      const result = loadConfig({ ...base, ...env });
      return result.ok ? [] : [...result.problems].sort();
    };
    const token = 'OKTA_API_TOKEN: is required with OKTA_ORG_URL: an Okta API token, made in the Okta admin console (Security, API, Tokens) by an admin who may reset passwords';
    const port = 'PORT: must be a port number from 0 to 65535, not "eighty"';
    const secret = "SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page";
    expect(sorted({ OKTA_ORG_URL: 'https://acme.okta.com', RESET_POLICY: 'okta_password=approval', PORT: 'eighty' })).toEqual([
      token,
      port,
      'RESET_POLICY: okta_password=approval needs a channel where admins see requests: set APPROVALS_CHANNEL_ID',
      'RESET_POLICY: okta_password=approval needs admins to approve: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both',
      secret,
    ]);
    expect(sorted({ OKTA_ORG_URL: 'https://acme.okta.com', RESET_POLICY: 'okta_password=verify', PORT: 'eighty' })).toEqual([
      token,
      port,
      secret,
      expect.stringMatching(/^VERIFY_WITH: okta_password=verify needs a verifier: set VERIFY_WITH to /),
    ]);
    expect(sorted({ CHIME_ACCOUNT_ID: VALID.CHIME_ACCOUNT_ID, APPROVALS_CHANNEL_ID: 'C0APPROVALS', RESET_POLICY: 'okta_mfa=self-service', PORT: 'eighty' })).toEqual([
      'APPROVALS_CHANNEL_ID: an approvals channel needs admins to decide its requests (license requests in Amazon Chime): set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both',
      port,
      expect.stringMatching(/^RESET_POLICY: okta_mfa may not be self-service: use /),
      secret,
    ]);
  });

  it('each problem is said once, and RESET_POLICY is parsed once per load', () => {
    const parse = jest.spyOn(policy, 'parseResetPolicy');
    try {
      const problems = problemsOf({ RESET_POLICY: 'x=verify,pin=nope,password=verify', VERIFY_WITH: 'sms', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
      expect(problems.filter((p) => p.startsWith('RESET_POLICY: '))).toHaveLength(2);
      expect(problems.filter((p) => p.startsWith('VERIFY_WITH: "sms" is not a verifier'))).toHaveLength(1);
      expect(new Set(problems).size).toBe(problems.length);
      expect(parse).toHaveBeenCalledTimes(1);
      parse.mockClear();
      expect(loadConfig({ ...VALID, RESET_POLICY: 'pin=approval', ADMIN_USER_IDS: 'UADA', APPROVALS_CHANNEL_ID: 'C0APPROVALS' }).ok).toBe(true);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});

describe('a credential\'s declared policy', () => {
  const strict = { ...CREDENTIALS[0]!, id: 'strict', policy: { default: 'verify', refuse: ['self-service'], refuseVerifiers: ['sms'] } } as Credential;
  const plain = { ...CREDENTIALS[1]!, id: 'plain' } as Credential;
  const verifier = (id: string) => ({ id, words: { app: id }, audit: { verifier: id }, settings: { variables: {}, read: () => ({}) } }) as unknown as VerifierPlugin;
  const registries = { credentials: [strict, plain], verifiers: [verifier('push'), verifier('sms')] };
  const check = (values: Record<string, string>) =>
    policyProblems({ ADMIN_USER_IDS: [], ...values }, parseResetPolicy(values.RESET_POLICY ?? '', ['strict', 'plain']).named, [strict, plain], registries).map((p) => `${p.variable}: ${p.message}`);

  it('its default applies when RESET_POLICY names it not, and is checked like a named one', () => {
    expect(check({})).toEqual(['VERIFY_WITH: strict=verify needs a verifier: set VERIFY_WITH to one of push, sms']);
    expect(check({ VERIFY_WITH: 'push' })).toEqual([]);
  });

  it('set up but its default (verify) unservable for want of a verifier: a warning naming its command, VERIFY_WITH with the verifiers it accepts, and the policies it allows instead', () => {
    const values = { ADMIN_USER_IDS: [], CHIME_ACCOUNT_ID: VALID.CHIME_ACCOUNT_ID };
    expect(credentialsOff(values, new Map(), registries)).toEqual([
      {
        variable: 'VERIFY_WITH',
        subject: 'strict',
        notice: true,
        message:
          `${strict.command} is off: ${strict.words.directory} is set up, but strict's policy is verify (its default), and there is no verifier to send the push. ` +
          'To offer it, set VERIFY_WITH to push and its settings; or give strict another policy in RESET_POLICY: strict=approval (with admins and APPROVALS_CHANNEL_ID). If you do not mean to offer it, there is nothing to do',
      },
    ]);
    expect(credentialsOff({ ...values, VERIFY_WITH: 'push' }, new Map(), registries)).toEqual([]);
    expect(credentialsOff(values, new Map([['strict', 'approval']]), registries)).toEqual([]);
  });

  it('recommended verify over a weaker default: the default where VERIFY_WITH names a verifier it accepts, else its own default and the warning', () => {
    const okta = { ...strict, id: 'okta_like', policy: { default: 'self-service', refuseVerifiers: ['sms'], recommended: { policy: 'verify', why: 'it opens everything' } } } as Credential;
    const approvalRecommended = { ...plain, id: 'approval_like', policy: { default: 'self-service', recommended: { policy: 'approval', why: 'it is rare' } } } as Credential;
    expect(policy.defaultPolicy(okta.policy!, 'push')).toBe('verify');
    expect(policy.defaultPolicy(okta.policy!, undefined)).toBe('self-service');
    // A verifier it refuses cannot prove it: its own default, and the warning says what to set.
    expect(policy.defaultPolicy(okta.policy!, 'sms')).toBe('self-service');
    // VERIFY_WITH is asked for pushes alone; admins and a channel serve license requests too, so they raise nothing.
    expect(policy.defaultPolicy(approvalRecommended.policy!, 'push')).toBe('self-service');
    expect(policy.defaultPolicy(strict.policy!, 'push')).toBe('verify');
    expect(policy.defaultPolicy(policy.DEFAULT_POLICY, 'push')).toBe('self-service');
    const values = { ADMIN_USER_IDS: [], CHIME_ACCOUNT_ID: VALID.CHIME_ACCOUNT_ID };
    const warned = (v: Record<string, unknown>) => policiesBelowRecommended(v, new Map(), { credentials: [okta], verifiers: registries.verifiers }).map((w) => w.subject);
    expect(warned({ ...values, VERIFY_WITH: 'push' })).toEqual([]);
    expect(warned({ ...values, VERIFY_WITH: 'sms' })).toEqual(['okta_like']);
    expect(warned(values)).toEqual(['okta_like']);
  });

  it('a policy it refuses is a config error naming the ones it allows', () => {
    expect(check({ RESET_POLICY: 'strict=self-service', VERIFY_WITH: 'push' })).toEqual(['RESET_POLICY: strict may not be self-service: use verify or approval']);
  });

  it('a verifier it refuses is a config error naming the others', () => {
    expect(check({ VERIFY_WITH: 'sms' })).toEqual(['VERIFY_WITH: sms cannot verify strict resets: use push, or another policy for strict']);
  });
});
