import { CONFIG_VARIABLES, describeProblems, loadConfig } from '../../src/config';
import { CREDENTIALS, SETTINGS_OWNERS } from '../../src/credentials';
import { DEFAULT_PASSWORD_SYMBOLS } from '../../src/credentials/password-generator';

const VALID = {
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aaabbb85a5',
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_TEAM_ID: 'T0LATCHKEY',
  CHIME_ACCOUNT_ID: '12a3c1a8-8d1c-4b8e-9a8f-2d8d1c1e7f00',
};

describe('loadConfig', () => {
  it('applies defaults for everything optional', () => {
    const result = loadConfig(VALID);
    expect(result).toMatchObject({
      ok: true,
      config: {
        port: 3000,
        slack: { apiUrl: 'https://slack.com/api/', apiRetries: 2, workspace: { teamId: 'T0LATCHKEY' } },
        credentials: [{ credential: { id: 'pin' }, settings: { accountId: VALID.CHIME_ACCOUNT_ID } }],
        audit: { tableName: 'latchkey-audit', retentionDays: 400 },
        createTables: false,
        logLevel: 'info',
      },
    });
    expect(result.ok && result.config.credentials.map((c) => c.credential.id)).toEqual(['pin']);
  });

  it("SLACK_SIGNING_SECRET with a space or a carriage return around it (a .env saved on Windows) is read without it, and said in a warning (⚠) naming what was removed, never the value; one not 32 hex characters is accepted with a warning naming Basic Information", () => {
    const secret = VALID.SLACK_SIGNING_SECRET;
    const signingWarnings = (r: ReturnType<typeof loadConfig>) => (r.ok ? r.config.warnings.filter((w) => w.variable === 'SLACK_SIGNING_SECRET') : r.problems);
    const windows = loadConfig({ ...VALID, SLACK_SIGNING_SECRET: `${secret}\r` });
    expect(windows.ok && windows.config.slack.signingSecret).toBe(secret);
    expect(signingWarnings(windows)).toEqual([
      {
        variable: 'SLACK_SIGNING_SECRET',
        subject: 'blanks around it',
        notice: true,
        message:
          "SLACK_SIGNING_SECRET has a carriage return (\\r: a file saved with Windows line endings) after it, which Latchkey removed (Slack's signing secrets have none, and with it every request from Slack would fail its signature check). Remove it where the value is set (save the file with Unix (LF) line endings)",
      },
    ]);
    const spaced = loadConfig({ ...VALID, SLACK_SIGNING_SECRET: ` ${secret} ` });
    expect(spaced.ok && spaced.config.slack.signingSecret).toBe(secret);
    expect(signingWarnings(spaced)).toEqual([expect.objectContaining({ message: expect.stringMatching(/^SLACK_SIGNING_SECRET has a space before and after it, which Latchkey removed .* Remove it where the value is set$/) })]);
    // Not Slack's form: accepted (Slack does not document it), with a warning.
    const notHex = loadConfig({ ...VALID, SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef' });
    expect(notHex.ok && notHex.config.slack.signingSecret).toBe('test-signing-secret-0123456789abcdef');
    expect(signingWarnings(notHex)).toEqual([
      {
        variable: 'SLACK_SIGNING_SECRET',
        subject: 'not 32 hex characters',
        notice: true,
        message:
          "SLACK_SIGNING_SECRET is 36 characters, not all hex (0-9, a-f), and the Signing Secret on your Slack app's Basic Information page is 32 hex characters: if Slack's requests are refused, copy it again from Basic Information → App Credentials → Signing Secret (Show), whole; not the Client Secret or Verification Token",
      },
    ]);
    expect(signingWarnings(loadConfig({ ...VALID, SLACK_SIGNING_SECRET: `${secret}0` }))).toEqual([expect.objectContaining({ message: expect.stringMatching(/^SLACK_SIGNING_SECRET is 33 characters, and the Signing Secret /) })]);
    // Pasted in two pieces: said as that, not as a count of characters that are "not all hex".
    const split = loadConfig({ ...VALID, SLACK_SIGNING_SECRET: `${secret.slice(0, 16)} ${secret.slice(16)}` });
    expect(signingWarnings(split)).toEqual([
      {
        variable: 'SLACK_SIGNING_SECRET',
        subject: 'a blank inside it',
        notice: true,
        message:
          "SLACK_SIGNING_SECRET has a space inside it, which Slack's signing secrets never have, so every request from Slack would fail its signature check: copy it again from Basic Information → App Credentials → Signing Secret (Show), whole, in one piece",
      },
    ]);
    // No warning ever holds the value.
    for (const r of [windows, spaced, notHex, split]) expect(JSON.stringify(r.ok && r.config.warnings)).not.toMatch(/8f742231|test-signing-secret/);
    expect(signingWarnings(loadConfig(VALID))).toEqual([]);
  });

  it("near-misses a new admin makes are each said with the fix, never the secret's value: an Okta token given with 'SSWS ', the Okta admin console's URL, a policy misspelled, RESET_POLICY's entries separated by ';', a user token (xoxp-) for the bot's, a rotating token (xoxe.xoxb-), a workspace ID in lower case", () => {
    const problems = (env: Record<string, string>) => {
      const r = loadConfig({ ...VALID, ...env });
      return r.ok ? [] : r.problems;
    };
    const token = '00okta-api-token-of-forty-characters-xx';
    expect(problems({ OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: `SSWS ${token}` })).toEqual([
      'OKTA_API_TOKEN: starts with "SSWS ", which Latchkey adds itself (Authorization: SSWS …): give the token alone, without "SSWS "',
    ]);
    expect(problems({ OKTA_ORG_URL: 'https://acme-admin.okta.com', OKTA_API_TOKEN: token })).toEqual([
      "OKTA_ORG_URL: is the admin console's address: use your org's, https://acme.okta.com (the same without -admin)",
    ]);
    expect(problems({ OKTA_ORG_URL: 'https://acme-admin.oktapreview.com/', OKTA_API_TOKEN: token })).toEqual([expect.stringContaining("use your org's, https://acme.oktapreview.com ")]);
    expect(problems({ RESET_POLICY: 'pin=verfy' })).toEqual(['RESET_POLICY: "verfy" (for pin) is not a policy: did you mean verify? use one of self-service, verify, approval']);
    expect(problems({ RESET_POLICY: 'pin=approval; password=self-service' })).toEqual([
      'RESET_POLICY: entries are separated by commas, not semicolons: pin=approval,password=self-service',
    ]);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxp-1234-5678-secretpart' })).toEqual([
      'SLACK_BOT_TOKEN: is a user token (xoxp-…), which acts as the person who installed the app: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
    ]);
    // Token rotation on: the token holds "xoxb-" but is no long-lived bot token, and its refresh token is none either.
    for (const SLACK_BOT_TOKEN of ['xoxe.xoxb-1-MS0yLTEyMzQ1Njc4OTAxMi1zZWNyZXRwYXJ0', 'xoxe-1-My0xLTEyMzQ1Njc4OTAxMi1zZWNyZXRwYXJ0']) {
      expect(problems({ SLACK_BOT_TOKEN })).toEqual([
        "SLACK_BOT_TOKEN: is a token of an app with token rotation on (xoxe…), which expires within 12 hours; Latchkey does not renew tokens. Use an app made from Latchkey's manifest (npm run manifest: token rotation off) and its Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
      ]);
    }
    // The AWS account's ID, as the console's corner shows it (with or without its dashes), for the Chime account's.
    for (const CHIME_ACCOUNT_ID of ['123456789012', '1234-5678-9012']) {
      expect(problems({ CHIME_ACCOUNT_ID })).toEqual([
        "CHIME_ACCOUNT_ID: is an AWS account ID (12 digits), not the Amazon Chime account's: copy the Chime account ID, 32 hex digits in groups of 8-4-4-4-12, from the Chime console's Account page",
      ]);
    }
    expect(problems({ SLACK_TEAM_ID: 't0123abcd' })).toEqual(["SLACK_TEAM_ID: is in lower case: Slack's workspace IDs are in capitals, T0123ABCD"]);
    // No secret shown back.
    expect(JSON.stringify([problems({ SLACK_BOT_TOKEN: 'xoxp-1234-5678-secretpart' }), problems({ SLACK_BOT_TOKEN: 'xoxe.xoxb-1-secretpart' }), problems({ OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: `SSWS ${token}` })])).not.toMatch(/secretpart|forty-characters/);
  });

  it("SLACK_BOT_TOKEN and SLACK_APP_TOKEN say what was seen (a leading 'Bearer ', a blank inside, the other kind of token) and where in the Slack app each token is, never the value", () => {
    const problems = (env: Record<string, string>) => {
      const result = loadConfig({ ...VALID, ...env });
      return result.ok ? [] : result.problems;
    };
    const BOT_WHERE = "the Bot User OAuth Token, on your Slack app's OAuth & Permissions page";
    const APP_WHERE = "an app-level token with connections:write, on your Slack app's Basic Information page → App-Level Tokens";
    expect(problems({ SLACK_BOT_TOKEN: 'Bearer xoxb-1111-2222-SeCrEt' })).toEqual([`SLACK_BOT_TOKEN: starts with "Bearer ", which Latchkey adds itself: give the token alone, from xoxb- on (${BOT_WHERE})`]);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1111-2222 SeCrEt' })).toEqual([`SLACK_BOT_TOKEN: has a blank inside (pasted in two pieces?), which no Slack token has: copy it again, whole (${BOT_WHERE})`]);
    expect(problems({ SLACK_BOT_TOKEN: 'SeCrEt' })).toEqual([`SLACK_BOT_TOKEN: must be a bot token (xoxb-…): ${BOT_WHERE}`]);
    expect(problems({ SLACK_APP_TOKEN: 'xoxb-1111-2222-SeCrEt' })).toEqual([`SLACK_APP_TOKEN: is a bot token (xoxb-…), which goes in SLACK_BOT_TOKEN: use an app-level token (xapp-…) here, ${APP_WHERE}`]);
    expect(problems({ SLACK_APP_TOKEN: 'Bearer xapp-1-SeCrEt' })).toEqual([`SLACK_APP_TOKEN: starts with "Bearer ", which Latchkey adds itself: give the token alone, from xapp- on (${APP_WHERE})`]);
    expect(problems({ SLACK_APP_TOKEN: 'xapp-1 SeCrEt' })).toEqual([`SLACK_APP_TOKEN: has a blank inside (pasted in two pieces?), which no Slack token has: copy it again, whole (${APP_WHERE})`]);
    expect(problems({ SLACK_APP_TOKEN: 'SeCrEt' })).toEqual([`SLACK_APP_TOKEN: must be an app-level token (xapp-…): ${APP_WHERE}`]);
    // A blank kept by the quotes around it in .env (SLACK_BOT_TOKEN="xoxb-… "): said as such, not as no token at all.
    const edge = (kind: string, where: string) => `${kind}: has a blank at its start or end, which no Slack token has: remove it, or copy the token again (${where})`;
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1111-2222-SeCrEt ' })).toEqual([edge('SLACK_BOT_TOKEN', BOT_WHERE)]);
    expect(problems({ SLACK_BOT_TOKEN: '\txoxb-1111-2222-SeCrEt' })).toEqual([edge('SLACK_BOT_TOKEN', BOT_WHERE)]);
    expect(problems({ SLACK_APP_TOKEN: ' xapp-1-SeCrEt ' })).toEqual([edge('SLACK_APP_TOKEN', APP_WHERE)]);
    expect(JSON.stringify(loadConfig({ ...VALID, SLACK_BOT_TOKEN: 'xoxb-1111-2222-SeCrEt ' }))).not.toContain('SeCrEt');
  });

  it("APPROVALS_CHANNEL_ID=#it-approvals in .env (read as unset: '#' starts a comment) is said first, before the notes that say to set it, so the admin who set it reads why first", () => {
    const env = { ...VALID, ADMIN_USER_IDS: 'U0ANN0001,U0BOB0002', OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00abcdefghijklmnopqrstuvwxyz0123456789ABCD' };
    const result = loadConfig(env, { cutInDotEnv: ['APPROVALS_CHANNEL_ID'] });
    expect(result.ok).toBe(true);
    const warnings = result.ok ? result.config.warnings.map((w) => w.message) : [];
    expect(warnings[0]).toMatch(/^APPROVALS_CHANNEL_ID: the value in \.env starts with '#', which starts a comment there, so it is read as unset/);
    expect(warnings.filter((w) => w.includes('set APPROVALS_CHANNEL_ID')).length).toBeGreaterThan(0);
  });

  it("a credential begun but missing its main setting (OKTA_ORG_URL misspelled beside OKTA_API_TOKEN) is said alone: the approvals channel its MFA reset would use is not also said to serve nothing, in words about Chime's licenses", () => {
    const { CHIME_ACCOUNT_ID: _none, ...slackOnly } = VALID;
    const result = loadConfig({ ...slackOnly, OKTA_ORG_ULR: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx', APPROVALS_CHANNEL_ID: 'C0123ABCD', ADMIN_USER_IDS: 'U0123ABCD,U0456EFGH' });
    expect(result.ok ? [] : result.problems).toEqual(['OKTA_ORG_URL: is required with OKTA_API_TOKEN (OKTA_ORG_ULR is set, which Latchkey does not read: did you mean OKTA_ORG_URL?)']);
    // Nothing begun that an admin decides: the channel's own problem stands.
    const workmail = loadConfig({ ...slackOnly, WORKMAIL_ORGANIZATION_ID: `m-${'0123456789abcdef'.repeat(2)}`, APPROVALS_CHANNEL_ID: 'C0123ABCD', ADMIN_USER_IDS: 'U0123ABCD' });
    expect(workmail.ok ? [] : workmail.problems).toEqual([expect.stringMatching(/^APPROVALS_CHANNEL_ID: license requests change licenses in Amazon Chime/)]);
  });

  it('lists every problem at once, by variable name', () => {
    const result = loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token', PORT: 'eighty', WORKMAIL_ORGANIZATION_ID: 'm-123' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: must be a port number from 0 to 65535, not "eighty"',
        "SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page",
        'SLACK_BOT_TOKEN: is a user token (xoxp-…), which acts as the person who installed the app: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
        'WORKMAIL_ORGANIZATION_ID: must be a WorkMail organization ID: m- followed by 32 hex digits',
      ]),
    );
    expect(describeProblems(problems)).toMatch(/^Latchkey cannot start/);
  });

  it('SLACK_API_URL must be https, except to a stand-in on this machine: the bot token goes with every call (issue 26 §2.6)', () => {
    for (const url of ['http://slack.example.com/api/', 'http://10.0.0.5/api/', 'ftp://slack.com/api/']) {
      const result = loadConfig({ ...VALID, SLACK_API_URL: url });
      expect([url, result.ok ? [] : result.problems]).toEqual([url, [expect.stringMatching(/^SLACK_API_URL: must use https:\/\//)]]);
    }
    for (const url of ['https://slack.com/api/', 'http://127.0.0.1:4000/api/', 'http://localhost:4000/api/', 'http://[::1]:4000/api/']) {
      expect([url, loadConfig({ ...VALID, SLACK_API_URL: url }).ok]).toEqual([url, true]);
    }
  });

  it("SLACK_API_URL that is not Slack's /api/ base (Slack's site, a proxy's root) is a listed problem saying what to set, not a start that fails at auth.test; …/api is read as …/api/", () => {
    for (const url of ['https://slack.com', 'https://slack.com/', 'http://localhost:3000/', 'https://proxy.example.com/slack/', 'https://slack.com/api/auth.test', 'https://slack.com/api/?x=1']) {
      const result = loadConfig({ ...VALID, SLACK_API_URL: url });
      expect([url, result.ok ? [] : result.problems]).toEqual([
        url,
        ["SLACK_API_URL: must be the base of Slack's Web API, ending in /api/: leave it unset for https://slack.com/api/, or give your proxy's or stand-in's address ending in /api/"],
      ]);
    }
    for (const [url, read] of [
      ['https://slack.com/api', 'https://slack.com/api/'],
      ['https://proxy.example.com/slack/api/', 'https://proxy.example.com/slack/api/'],
      ['http://127.0.0.1:4000/api', 'http://127.0.0.1:4000/api/'],
    ]) {
      const result = loadConfig({ ...VALID, SLACK_API_URL: url });
      expect([url, result.ok && result.config.slack.apiUrl]).toEqual([url, read]);
    }
  });

  it("SLACK_BOT_ID without SLACK_BOT_USER_ID (or the other way round) is a problem naming the one missing, heard with the rest: half the pair was ignored without a word, and a Lambda cold start asked auth.test all the same", () => {
    expect(loadConfig({ ...VALID, SLACK_BOT_ID: 'B0LATCH' })).toEqual({
      ok: false,
      problems: [
        "SLACK_BOT_USER_ID: is required with SLACK_BOT_ID: the bot's user ID, such as U0123ABCD (auth.test's user_id); with both, a Lambda cold start skips auth.test. " +
          "npm run doctor shows both on its Slack token line (without SLACK_BOT_ID), or remove SLACK_BOT_ID",
      ],
    });
    expect(loadConfig({ ...VALID, SLACK_BOT_USER_ID: 'U0LATCH', PORT: 'eighty' })).toEqual({
      ok: false,
      problems: [
        'PORT: must be a port number from 0 to 65535, not "eighty"',
        "SLACK_BOT_ID: is required with SLACK_BOT_USER_ID: the bot's ID, such as B0123ABCD (auth.test's bot_id); with both, a Lambda cold start skips auth.test. " +
          'npm run doctor shows both on its Slack token line (without SLACK_BOT_USER_ID), or remove SLACK_BOT_USER_ID',
      ],
    });
    expect(loadConfig({ ...VALID, SLACK_BOT_ID: 'B0LATCH', SLACK_BOT_USER_ID: 'U0LATCH' })).toMatchObject({ ok: true, config: { slack: { bot: { botId: 'B0LATCH', botUserId: 'U0LATCH' } } } });
  });

  it('a URL setting that is no URL at all is a problem in the list, not a crash, whichever credential it belongs to', () => {
    for (const name of ['SLACK_API_URL', 'OKTA_ORG_URL', 'ENTRA_AUTHORITY_URL', 'ENTRA_GRAPH_URL', 'GOOGLE_TOKEN_URL', 'GOOGLE_API_URL']) {
      for (const value of ['acme.okta.com', 'not a url', 'login.microsoftonline.com']) {
        const result = loadConfig({ ...VALID, [name]: value });
        expect([name, value, result.ok]).toEqual([name, value, false]);
        if (!result.ok) expect(result.problems).toContainEqual(expect.stringMatching(new RegExp(`^${name}: must be a URL such as https://`)));
      }
    }
  });

  it('CHIME_ACCOUNT_ID takes any ID of the Chime console\'s form (hex digits grouped 8-4-4-4-12, whatever its version digits), and one of another form is refused saying which form is wanted', () => {
    expect(loadConfig({ ...VALID, CHIME_ACCOUNT_ID: '12345678-1234-1234-1234-123456789012' })).toMatchObject({ ok: true, config: { credentials: [{ settings: { accountId: '12345678-1234-1234-1234-123456789012' } }] } });
    expect(loadConfig({ ...VALID, CHIME_ACCOUNT_ID: '12345678-1234-1234-1234' })).toMatchObject({
      ok: false,
      problems: ["CHIME_ACCOUNT_ID: must be a Chime account ID: 32 hex digits in groups of 8-4-4-4-12, such as a1b2c3d4-5678-90ab-cdef-111122223333, from the Chime console's Account page"],
    });
  });

  it('never echoes a secret value in a problem', () => {
    const result = loadConfig({ ...VALID, SLACK_BOT_TOKEN: 'not-a-token-but-secret-ish' });
    expect(JSON.stringify(result)).not.toContain('not-a-token-but-secret-ish');
  });

  it('requires at least one credential, under no one setting (not CHIME_ACCOUNT_ID): each credential of the registry, its commands and the variable that turns it on', () => {
    const { CHIME_ACCOUNT_ID: _, ...noDirectory } = VALID;
    const result = loadConfig(noDirectory);
    expect(result).toMatchObject({ ok: false, problems: [expect.stringMatching(/^No credential is set up, so there is nothing to reset\. Set up at least one: .*\. Each then says what else it needs\.$/)] });
    const [problem] = result.ok ? [] : result.problems;
    for (const credential of CREDENTIALS) {
      const owner = SETTINGS_OWNERS.find((o) => o.settings === credential.settings)!;
      expect(problem).toMatch(new RegExp(`${owner.words.directory} \\([^)]*${credential.command}[^)]*\\)(, end of support [0-9-]+)?: set ${Object.keys(owner.settings.variables)[0]}(;|\\.)`));
    }
  });

  it('a directory set without its token says the token is missing, not that nothing is set, and where to get one', () => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    expect(loadConfig({ ...base, OKTA_ORG_URL: 'https://acme.okta.com' })).toEqual({ ok: false, problems: ['OKTA_API_TOKEN: is required with OKTA_ORG_URL: an Okta API token, made in the Okta admin console (Security, API, Tokens) by an admin who may reset passwords'] });
  });

  it("a setting missing beside another is heard along with every other problem, not after they're fixed", () => {
    const { CHIME_ACCOUNT_ID: _, SLACK_SIGNING_SECRET: __, ...base } = VALID;
    const result = loadConfig({ ...base, OKTA_ORG_URL: 'acme.okta.com' });
    expect(result.ok ? [] : [...result.problems].sort()).toEqual([
      'OKTA_API_TOKEN: is required with OKTA_ORG_URL: an Okta API token, made in the Okta admin console (Security, API, Tokens) by an admin who may reset passwords',
      'OKTA_ORG_URL: must be a URL such as https://acme.okta.com',
      "SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page",
    ]);
  });

  it("the verifier's missing settings are heard along with every other problem", () => {
    const { SLACK_SIGNING_SECRET: _, ...noSecret } = VALID;
    const missing = "SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page";
    const duo = loadConfig({ ...noSecret, RESET_POLICY: 'pin=verify', VERIFY_WITH: 'duo', DUO_INTEGRATION_KEY: 'DIWJ8X6AEYOR5OMC6TQ1' });
    expect(duo.ok ? [] : [...duo.problems].sort()).toEqual(['DUO_API_HOSTNAME: is required with VERIFY_WITH=duo', 'DUO_SECRET_KEY: is required with VERIFY_WITH=duo', missing]);
    const okta = loadConfig({ ...noSecret, RESET_POLICY: 'pin=verify', VERIFY_WITH: 'okta' });
    expect(okta.ok ? [] : [...okta.problems].sort()).toEqual([missing, 'VERIFY_WITH: okta needs OKTA_ORG_URL and OKTA_API_TOKEN: the Okta org whose Okta Verify pushes are sent']);
  });

  it('VERIFY_TIMEOUT_SECONDS past the 60 s a Duo push lives on the phone: the wait is Duo\'s 60 s, and a notice (⚠ in the doctor: the deployment works) says so; at 60 or with Okta Verify, as set and nothing said', () => {
    const duo = { RESET_POLICY: 'pin=verify', VERIFY_WITH: 'duo', DUO_API_HOSTNAME: 'api-1a2b3c4d.duosecurity.com', DUO_INTEGRATION_KEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SECRET_KEY: 'k'.repeat(40) };
    const of = (env: Record<string, string>) => {
      const result = loadConfig({ ...VALID, ...env });
      if (!result.ok) throw new Error(result.problems.join('; '));
      return { waitMs: result.config.verify?.timeoutMs, warnings: result.config.warnings.filter((w) => w.variable === 'VERIFY_TIMEOUT_SECONDS') };
    };
    expect(of({ ...duo, VERIFY_TIMEOUT_SECONDS: '90' })).toEqual({
      waitMs: 60_000,
      warnings: [
        {
          variable: 'VERIFY_TIMEOUT_SECONDS',
          subject: 'longer than the verifier allows',
          // Before: no notice, so the doctor showed ✗ for a deployment that works.
          notice: true,
          message: 'VERIFY_TIMEOUT_SECONDS is 90, but a Duo Mobile request lapses on the phone after 60 seconds (VERIFY_WITH=duo): Latchkey waits 60 seconds and tells people so. Set VERIFY_TIMEOUT_SECONDS to 60 or less',
        },
      ],
    });
    expect(of({ ...duo, VERIFY_TIMEOUT_SECONDS: '60' })).toEqual({ waitMs: 60_000, warnings: [] });
    expect(of({ ...duo, VERIFY_TIMEOUT_SECONDS: '30' })).toEqual({ waitMs: 30_000, warnings: [] });
    expect(of({ RESET_POLICY: 'pin=verify', VERIFY_WITH: 'okta', OKTA_ORG_URL: 'https://example.okta.com', OKTA_API_TOKEN: '00' + 'a'.repeat(40), VERIFY_TIMEOUT_SECONDS: '90' })).toEqual({ waitMs: 90_000, warnings: [] });
  });

  it('a Duo API hostname given as a URL says to give the hostname alone', () => {
    const duo = { VERIFY_WITH: 'duo', DUO_INTEGRATION_KEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SECRET_KEY: 'k'.repeat(40) };
    for (const url of ['https://api-1a2b3c4d.duosecurity.com/', 'https://api-1a2b3c4d.duosecurity.com']) {
      expect(loadConfig({ ...VALID, ...duo, DUO_API_HOSTNAME: url })).toEqual({
        ok: false,
        problems: ['DUO_API_HOSTNAME: is a URL: give the hostname alone, without https:// or a path, such as api-1a2b3c4d.duosecurity.com'],
      });
    }
    expect(loadConfig({ ...VALID, ...duo, DUO_API_HOSTNAME: 'duo.example.com' })).toEqual({
      ok: false,
      problems: ['DUO_API_HOSTNAME: must be your Duo API hostname, such as api-1a2b3c4d.duosecurity.com'],
    });
    expect(loadConfig({ ...VALID, ...duo, DUO_API_HOSTNAME: 'api-1a2b3c4d.duosecurity.com' }).ok).toBe(true);
  });

  it('names each directory once: credentials that share settings are one way to enable them', () => {
    const { CHIME_ACCOUNT_ID: _, ...noDirectory } = VALID;
    const result = loadConfig(noDirectory);
    const list = result.ok ? '' : result.problems[0]!;
    for (const credential of SETTINGS_OWNERS) expect(list.split(`: set ${Object.keys(credential.settings.variables)[0]!}`)).toHaveLength(2);
    expect(SETTINGS_OWNERS.length).toBeLessThan(CREDENTIALS.length);
  });

  it('APPROVAL_RESPONSE_TIME is plain words on one line, what follows "within"; anything else is a problem that says what to write', () => {
    expect(loadConfig({ ...VALID, APPROVAL_RESPONSE_TIME: ' 4 working hours. ' })).toMatchObject({ ok: true, config: { approvalResponseTime: '4 working hours' } });
    const unset = loadConfig(VALID);
    expect(unset.ok && unset.config.approvalResponseTime).toBeUndefined();
    const problem = (value: string) => {
      const result = loadConfig({ ...VALID, APPROVAL_RESPONSE_TIME: value });
      return result.ok ? undefined : result.problems;
    };
    expect(problem('within 4 working hours')).toEqual([
      'APPROVAL_RESPONSE_TIME: give only what follows "within", such as "4 working hours": Latchkey writes "IT usually answers within 4 working hours."',
    ]);
    const plain =
      'APPROVAL_RESPONSE_TIME: must be plain words on one line, such as "4 working hours" or "one working day": it is shown in Slack as written, so no <, >, &, *, _, ~, ` or line breaks';
    for (const value of ['<!channel> a day', '*4* hours', '4 hours\nor more', '<https://example.com|a day>']) expect(problem(value)).toEqual([plain]);
    expect(problem('a'.repeat(61))).toEqual(['APPROVAL_RESPONSE_TIME: must be at most 60 characters, such as "4 working hours"']);
  });

  it('license requests need a directory with licenses', () => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    expect(loadConfig({ ...base, WORKMAIL_ORGANIZATION_ID: `m-${'a1'.repeat(16)}`, APPROVALS_CHANNEL_ID: 'C0APPROVALS', ADMIN_USER_IDS: 'UADA' })).toMatchObject({
      ok: false,
      problems: ['APPROVALS_CHANNEL_ID: license requests change licenses in Amazon Chime: set CHIME_ACCOUNT_ID too, or give a credential the approval policy in RESET_POLICY'],
    });
  });

  it("a directory with licenses set up but no approvals channel: license requests (/request-license) are off, and a warning (⚠, not a problem) says so, in the directory's words, and what to set to offer them; said only where licenses could be requested", () => {
    const licensesWarnings = (r: ReturnType<typeof loadConfig>) => (r.ok ? r.config.warnings.filter((w) => w.subject === 'license requests') : r.problems);
    const none = loadConfig(VALID);
    expect(none.ok && none.config.licenses).toBeUndefined();
    expect(licensesWarnings(none)).toEqual([
      {
        variable: 'APPROVALS_CHANNEL_ID',
        subject: 'license requests',
        notice: true,
        message:
          'License requests (/request-license) are off: Amazon Chime is set up, and people could ask an admin to change their Amazon Chime license, but there is no approvals channel where admins see requests and no admins to decide them. ' +
          'To offer them, set APPROVALS_CHANNEL_ID, and ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both. If you do not mean to offer them, there is nothing to do',
      },
    ]);
    // Admins already: only the channel is asked for.
    expect(licensesWarnings(loadConfig({ ...VALID, ADMIN_USER_IDS: 'UADA,UMAX' }))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/but there is no approvals channel where admins see requests\. To offer them, set APPROVALS_CHANNEL_ID\. If you do not/) }),
    ]);
    // On: nothing to say; no directory with licenses: nothing to say either.
    const on = loadConfig({ ...VALID, ADMIN_USER_IDS: 'UADA,UMAX', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(on.ok && [on.config.licenses !== undefined, licensesWarnings(on)]).toEqual([true, []]);
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    expect(licensesWarnings(loadConfig({ ...base, WORKMAIL_ORGANIZATION_ID: `m-${'a1'.repeat(16)}` }))).toEqual([]);
  });

  it('Okta only, an approvals channel and no admins: the one problem is the admins, naming what the channel serves (okta_mfa=approval, its default), not a directory with licenses; with admins, accepted', () => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    const okta = { ...base, OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx', APPROVALS_CHANNEL_ID: 'C0APPROVALS' };
    expect(loadConfig(okta)).toEqual({
      ok: false,
      problems: ['APPROVALS_CHANNEL_ID: an approvals channel needs admins to decide its requests (okta_mfa=approval): set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both'],
    });
    const admins = loadConfig({ ...okta, ADMIN_USER_IDS: 'UADA,UMAX' });
    expect(admins.ok && [admins.config.approvalsChannelId, admins.config.credentials.map((c) => c.credential.id)]).toEqual(['C0APPROVALS', ['okta_password', 'okta_unlock', 'okta_mfa']]);
  });

  it('ADMIN_USER_IDS set but malformed, with an approvals channel: the problem is said once, by ADMIN_USER_IDS, with no APPROVALS_CHANNEL_ID (or RESET_POLICY) line telling to set what is set', () => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    const okta = { ...base, OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx', APPROVALS_CHANNEL_ID: 'C0APPROVALS' };
    const how = 'list user IDs, comma-separated, each U or W followed by capitals and digits, such as U0123ABCD. In Slack: the person\'s profile → ⋮ More → Copy member ID';
    for (const [admins, bad] of [
      ['ann@example.com', '"ann@example.com" is not a Slack user ID (an email address)'],
      ['U0ADA,@bob', '"@bob" is not a Slack user ID (a display name)'],
    ]) {
      expect(loadConfig({ ...okta, ADMIN_USER_IDS: admins })).toEqual({ ok: false, problems: [`ADMIN_USER_IDS: ${bad}: ${how}`] });
    }
    // Nor a RESET_POLICY line for the admins an approval policy needs; the channel it lacks is still said.
    expect(loadConfig({ ...VALID, ADMIN_USER_IDS: 'ann@example.com', RESET_POLICY: 'pin=approval' })).toEqual({
      ok: false,
      problems: [
        `ADMIN_USER_IDS: "ann@example.com" is not a Slack user ID (an email address): ${how}`,
        'RESET_POLICY: pin=approval needs a channel where admins see requests: set APPROVALS_CHANNEL_ID',
      ],
    });
  });

  it("APPROVALS_CHANNEL_ID set to the channel's name, and ADMIN_USERGROUP_ID to the group's @handle (the likeliest slips), each say that a name is not the ID, and where a channel's ID is; never the value", () => {
    const env = { ...VALID, ADMIN_USER_IDS: 'UADA,UMAX' };
    const said = (name: string, value: string) => {
      const result = loadConfig({ ...env, [name]: value });
      return result.ok ? [] : result.problems.filter((p) => p.startsWith(`${name}: `));
    };
    for (const name of ['it-approvals', '#it-approvals', 'general', 'compliance']) {
      expect(said('APPROVALS_CHANNEL_ID', name)).toEqual([
        "APPROVALS_CHANNEL_ID: must be a Slack channel ID, C or G then capitals and digits: a channel's name is not its ID: set the channel's ID, such as C0123ABCD (open the channel's details; it is at the bottom)",
      ]);
    }
    for (const handle of ['@it-admins', 'it-admins']) {
      expect(said('ADMIN_USERGROUP_ID', handle)).toEqual([
        "ADMIN_USERGROUP_ID: must be a Slack user group ID, S then capitals and digits: a user group's @handle or name is not its ID, which starts with S, such as S0123ABCD",
      ]);
    }
  });

  it('an APPROVALS_CHANNEL_ID or ADMIN_USERGROUP_ID that is no name is told what it is instead: a link (its ID is after /archives/), the ID in lower case, a direct message; never more of the value than an ID', () => {
    const env = { ...VALID, ADMIN_USER_IDS: 'UADA,UMAX' };
    const said = (name: string, value: string) => {
      const result = loadConfig({ ...env, [name]: value });
      return result.ok ? [] : result.problems.filter((p) => p.startsWith(`${name}: `));
    };
    // Copy link on a channel, or on a message in it.
    expect(said('APPROVALS_CHANNEL_ID', 'https://acme.slack.com/archives/C0APPROVALS')).toEqual([
      "APPROVALS_CHANNEL_ID: is a link, not an ID: the channel's ID is the part after /archives/: C0APPROVALS",
    ]);
    expect(said('APPROVALS_CHANNEL_ID', 'https://acme.slack.com/archives/G0PRIVATE1/p1733490000123456?thread_ts=1')).toEqual([
      "APPROVALS_CHANNEL_ID: is a link, not an ID: the channel's ID is the part after /archives/: G0PRIVATE1",
    ]);
    // What follows /archives/ is not said back unless it is an ID.
    const odd = 'https://acme.slack.com/archives/xoxb-not-an-id-at-all';
    expect(said('APPROVALS_CHANNEL_ID', odd)).toEqual([
      "APPROVALS_CHANNEL_ID: is a link, not an ID: the channel's ID is the part after /archives/, C or G then capitals and digits, such as C0123ABCD",
    ]);
    expect(said('APPROVALS_CHANNEL_ID', 'c0approvals')).toEqual(["APPROVALS_CHANNEL_ID: is in lower case: Slack's channel IDs are in capitals, C0APPROVALS"]);
    for (const dm of ['D0123ABCD', 'd0123abcd']) {
      expect(said('APPROVALS_CHANNEL_ID', dm)).toEqual([
        "APPROVALS_CHANNEL_ID: is a direct message's ID (D…), not a channel's: set the ID of the channel where admins see requests, C or G then capitals and digits, such as C0123ABCD (open the channel's details; it is at the bottom)",
      ]);
    }
    // Anything else (here a user's ID, and a secret pasted in the wrong place): what an ID looks like, never the value.
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    for (const other of ['U0123ABCD', secret]) {
      expect(said('APPROVALS_CHANNEL_ID', other)).toEqual([
        "APPROVALS_CHANNEL_ID: must be a Slack channel ID, C or G then capitals and digits, such as C0123ABCD (open the channel's details; it is at the bottom)",
      ]);
    }
    // Joined here so that no token-shaped literal is committed (the landing check's grep).
    const token = ['xoxb', '1234567890', 'abcdefghijklmnop'].join('-');
    for (const name of ['APPROVALS_CHANNEL_ID', 'ADMIN_USERGROUP_ID']) {
      for (const value of [secret, token, `https://acme.slack.com/archives/${token}`]) expect(said(name, value).join('\n')).not.toMatch(/wJalr|1234567890|abcdefgh/);
    }
    expect(said('ADMIN_USERGROUP_ID', 's0123abcd')).toEqual(["ADMIN_USERGROUP_ID: is in lower case: Slack's user group IDs are in capitals, S0123ABCD"]);
    for (const other of ['U0123ABCD', secret, 'S0123abcd-extra-long-value']) {
      expect(said('ADMIN_USERGROUP_ID', other)).toEqual(['ADMIN_USERGROUP_ID: must be a Slack user group ID, S then capitals and digits, such as S0123ABCD']);
    }
  });

  it('an Entra ID that is not one says which form is expected, with an example, and where to copy it; never the value', () => {
    const entra = { ENTRA_TENANT_ID: '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11', ENTRA_CLIENT_ID: 'b2d4f6a8-3c5e-4a7b-8d9f-1e2c3b4a5d6e', ENTRA_CLIENT_SECRET: 'entra-client-secret-value-of-40-chars' };
    const said = (name: string, value: string) => {
      const result = loadConfig({ ...VALID, ...entra, [name]: value });
      return result.ok ? [] : result.problems.filter((p) => p.startsWith(`${name}: `));
    };
    expect(loadConfig({ ...VALID, ...entra })).toMatchObject({ ok: true });
    // A GUID's shape, but not one Entra makes (a placeholder): before, only "must be … a GUID", which it looks like.
    expect(said('ENTRA_CLIENT_ID', '11111111-2222-3333-4444-555555555555')).toEqual([
      "ENTRA_CLIENT_ID: is not an ID Entra gives out: it has a GUID's 8-4-4-4-12 shape, but Entra's IDs have a third group that starts with 1 to 8 and a fourth that starts with 8, 9, a or b, as in 7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11: copy the Application (client) ID from the app registration's Overview in the Entra admin center",
    ]);
    expect(said('ENTRA_TENANT_ID', 'acme.onmicrosoft.com')).toEqual([
      "ENTRA_TENANT_ID: must be the directory (tenant) ID, a GUID such as 7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11: a domain name (such as yours.onmicrosoft.com) is not the ID: copy the Directory (tenant) ID from the app registration's Overview in the Entra admin center",
    ]);
    expect(said('ENTRA_CLIENT_ID', 'latchkey-app')).toEqual([
      "ENTRA_CLIENT_ID: must be the application (client) ID, a GUID: 32 letters a-f and digits in groups of 8-4-4-4-12, such as 7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11: copy the Application (client) ID from the app registration's Overview in the Entra admin center",
    ]);
    for (const value of ['11111111-2222-3333-4444-555555555555', 'acme.onmicrosoft.com', 'latchkey-app']) {
      expect(JSON.stringify(loadConfig({ ...VALID, ...entra, ENTRA_CLIENT_ID: value, ENTRA_TENANT_ID: value }))).not.toContain(value);
    }
  });

  it('accepts WorkMail alone, and bounds the password settings', () => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    const org = `m-${'a1'.repeat(16)}`;
    expect(loadConfig({ ...base, WORKMAIL_ORGANIZATION_ID: org })).toMatchObject({
      ok: true,
      config: { credentials: [{ credential: { id: 'password' }, settings: { organizationId: org, password: { length: 20 } } }] },
    });
    expect(loadConfig({ ...base, WORKMAIL_ORGANIZATION_ID: org, PASSWORD_LENGTH: '12' })).toMatchObject({
      ok: false,
      problems: ['PASSWORD_LENGTH: must be a whole number from 16 to 64'],
    });
  });

  it('takes a WorkMail organization ID in capitals as the same ID, in the lower case WorkMail takes: it was told it was not "m- followed by 32 hex digits", which it is', () => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    const org = `m-${'a1b2c3d4e5f60718'.repeat(2)}`;
    for (const given of [org.toUpperCase(), `m-${org.slice(2).toUpperCase()}`]) {
      expect(loadConfig({ ...base, WORKMAIL_ORGANIZATION_ID: given })).toMatchObject({
        ok: true,
        config: { credentials: [{ credential: { id: 'password' }, settings: { organizationId: org } }] },
      });
    }
    // Not hex, or not 32 of them, is still refused, in the same words.
    for (const given of [`m-${'g'.repeat(32)}`, `m-${'A'.repeat(31)}`]) {
      expect(loadConfig({ ...base, WORKMAIL_ORGANIZATION_ID: given })).toMatchObject({
        ok: false,
        problems: ['WORKMAIL_ORGANIZATION_ID: must be a WorkMail organization ID: m- followed by 32 hex digits'],
      });
    }
  });

  it("a number setting that is too small, too big, a fraction or no number says its range in words, never zod's 'Too small: expected number to be >=1'", () => {
    const env = { ...VALID, WORKMAIL_ORGANIZATION_ID: `m-${'a1'.repeat(16)}` };
    const said = (name: string, value: string) => {
      const result = loadConfig({ ...env, [name]: value });
      return result.ok ? [] : result.problems.filter((p) => p.startsWith(`${name}: `));
    };
    for (const value of ['0', '-1', '1.5', 'three', '99999999']) expect(said('RESET_MAX_PER_HOUR', value)).toEqual(['RESET_MAX_PER_HOUR: must be a whole number from 1 to 100']);
    expect(said('VERIFY_POLL_MS', '50')).toEqual(['VERIFY_POLL_MS: must be a whole number from 100 to 10000']);
    expect(said('PORT', '70000')).toEqual(['PORT: must be a port number from 0 to 65535, not "70000"']);
    // PORT is no secret: its line quotes the value read, as typed.
    expect(said('PORT', '80a')).toEqual(['PORT: must be a port number from 0 to 65535, not "80a"']);
    expect(said('PORT', '99999')).toEqual(['PORT: must be a port number from 0 to 65535, not "99999"']);
    expect(said('PORT', '8080.5')).toEqual(['PORT: must be a port number from 0 to 65535, not "8080.5"']);
    // Every setting, whatever it holds: no problem in zod's own words.
    for (const name of CONFIG_VARIABLES) {
      for (const value of ['0', '-1', '1.5', 'three', '99999999']) for (const problem of said(name, value)) expect(problem).not.toMatch(/Too (small|big)|Invalid input|expected /);
    }
  });

  it('an empty setting is unset, whatever the setting, as .env files copied from an example leave them (GOOGLE_API_URL=): its default applies, and a required one is missing in its own words', () => {
    expect(loadConfig({ ...VALID, SLACK_APP_TOKEN: '', SLACK_ENTERPRISE_ID: '' })).toMatchObject({ ok: true, config: { slack: { workspace: { teamId: 'T0LATCHKEY' } } } });
    // Every variable of the core, the credentials and the verifiers: empty reads exactly as unset.
    const read = (env: Record<string, string>) => {
      const result = loadConfig(env);
      // The plug-ins by their IDs, the policies' Map as entries: a difference reads as a setting.
      return result.ok ? JSON.parse(JSON.stringify(result.config, (key, v) => (key === 'credential' || key === 'plugin' ? v.id : v instanceof Map ? [...v] : v))) : result.problems;
    };
    for (const name of CONFIG_VARIABLES) {
      const { [name]: _, ...unset } = VALID as Record<string, string>;
      expect([name, read({ ...VALID, [name]: '' })]).toEqual([name, read(unset)]);
    }
    expect(loadConfig({ ...VALID, GOOGLE_API_URL: '', ENTRA_GRAPH_URL: '', SLACK_API_URL: '', PORT: '', LOG_LEVEL: '', AUDIT_TABLE_NAME: '' })).toMatchObject({
      ok: true,
      config: { port: 3000, logLevel: 'info', slack: { apiUrl: 'https://slack.com/api/' }, audit: { tableName: 'latchkey-audit' } },
    });
    expect(loadConfig({ ...VALID, SLACK_SIGNING_SECRET: '', GOOGLE_API_URL: '' })).toEqual({
      ok: false,
      problems: ["SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page"],
    });
    const { CHIME_ACCOUNT_ID: __, ...noDirectory } = VALID;
    expect(loadConfig({ ...noDirectory, OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '' })).toEqual({
      ok: false,
      problems: ['OKTA_API_TOKEN: is required with OKTA_ORG_URL: an Okta API token, made in the Okta admin console (Security, API, Tokens) by an admin who may reset passwords'],
    });
  });

  it('a misspelled setting (CHIME_ACOUNT_ID, SLACK_BOT_TOKN, slack_team_id) is named with what it likely means, never ignored without a word; a required one it resembles carries the hint in its problem', () => {
    const { CHIME_ACCOUNT_ID, SLACK_BOT_TOKEN, ...rest } = VALID;
    // Beside a valid setup: a warning (other software may set such names), said at start and by the doctor.
    const warned = loadConfig({ ...VALID, WORKMAIL_ORGANIZATION_ID: 'm-0123456789abcdef0123456789abcdef', CHIME_ACCOUNT_ID: undefined, CHIME_ACOUNT_ID: CHIME_ACCOUNT_ID, slack_team_id: 'T0LATCHKEY', PATH: '/usr/bin', HOME: '/root', OKTA_DOMAIN: 'acme.okta.com' });
    expect(warned.ok && warned.config.warnings).toEqual([
      { variable: 'CHIME_ACOUNT_ID', subject: 'unknown', message: expect.stringMatching(/^CHIME_ACOUNT_ID is not a setting Latchkey reads, so it is ignored: did you mean CHIME_ACCOUNT_ID\? Rename it: CHIME_ACCOUNT_ID is unset/) },
      { variable: 'slack_team_id', subject: 'unknown', message: expect.stringContaining('did you mean SLACK_TEAM_ID? SLACK_TEAM_ID is set too: remove slack_team_id') },
      // Of a family of ours but close to none: a notice naming the family's settings, from the composed schema.
      { variable: 'OKTA_DOMAIN', subject: 'unknown', notice: true, message: expect.stringMatching(/only shares the OKTA_ prefix with Latchkey's settings OKTA_ORG_URL or OKTA_API_TOKEN: /) },
    ]);
    expect(warned.ok && warned.config.credentials.map((c) => c.credential.id)).toEqual(['password']);
    // A name the app reads is never one: each setting, and on Lambda each secret's _ARN.
    const arn = loadConfig({ ...VALID, SLACK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x' });
    expect(arn.ok && arn.config.warnings.filter((w) => w.subject === 'unknown')).toEqual([]);
    // The setting it resembles is required and missing: the hint is in that problem's line.
    expect(loadConfig({ ...rest, CHIME_ACCOUNT_ID, SLACK_BOT_TOKN: SLACK_BOT_TOKEN })).toEqual({
      ok: false,
      problems: ['SLACK_BOT_TOKEN: is required: the Bot User OAuth Token (xoxb-…) from OAuth & Permissions (SLACK_BOT_TOKN is set, which Latchkey does not read: did you mean SLACK_BOT_TOKEN?)'],
    });
    const none = loadConfig({ ...rest, SLACK_BOT_TOKEN, CHIME_ACOUNT_ID: CHIME_ACCOUNT_ID });
    // Those with an end of support last, saying when (before: Amazon Chime first, though README tells a new deployment to leave it unset).
    expect(none.ok ? [] : none.problems).toEqual([expect.stringMatching(/^No credential is set up, so there is nothing to reset\. Set up at least one: Okta \(.*; Amazon WorkMail \(\/reset-password\), end of support 2027-03-31: set WORKMAIL_ORGANIZATION_ID; Amazon Chime \(\/reset-pin\), end of support 2026-02-20: set CHIME_ACCOUNT_ID\. .* \(CHIME_ACOUNT_ID is set, which Latchkey does not read: did you mean CHIME_ACCOUNT_ID\?\)$/)]);
  });

  it('a misspelled setting beside problems is said along with them, as not refused, so one round of fixing sees it: not after they are fixed', () => {
    const env = { ...VALID, SLACK_TEAM_ID: undefined, CHIME_ACCOUNT_ID: undefined, WORKMAIL_ORGANIZATION_ID: 'm-0123456789abcdef0123456789abcdef', CHIME_ACOUNT_ID: VALID.CHIME_ACCOUNT_ID };
    const result = loadConfig(env);
    expect(result).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^SLACK_TEAM_ID: is required/)],
      warnings: [expect.stringMatching(/^CHIME_ACOUNT_ID is not a setting Latchkey reads, so it is ignored: did you mean CHIME_ACCOUNT_ID\?/)],
    });
    const text = result.ok ? '' : describeProblems(result.problems, result);
    expect(text.split('\n').slice(1, 5)).toEqual([
      expect.stringMatching(/^  - SLACK_TEAM_ID: is required/),
      'Also (not refused, but likely not what you meant):',
      expect.stringMatching(/^  - CHIME_ACOUNT_ID is not a setting Latchkey reads/),
      'See the Configuration section of README.md, and .env.example.',
    ]);
    // One a problem's line already names is not said twice.
    const hinted = loadConfig({ ...env, SLACK_TEAM_ID: VALID.SLACK_TEAM_ID, WORKMAIL_ORGANIZATION_ID: undefined });
    expect(hinted).toEqual({ ok: false, problems: [expect.stringContaining('(CHIME_ACOUNT_ID is set, which Latchkey does not read: did you mean CHIME_ACCOUNT_ID?)')] });
  });

  it('a name that only shares a family prefix with the settings (PASSWORD_STORE_DIR, LOG_FORMAT, SLACK_WEBHOOK_URL) is a notice, likely fine, not a likely mistake; a letter or two off one stays a likely mistake', () => {
    const env = { ...VALID, PASSWORD_STORE_DIR: '/home/ann/.password-store', LOG_FORMAT: 'json', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x', CHIME_ACOUNT_ID: 'x' };
    const result = loadConfig(env);
    expect(result.ok && result.config.warnings.filter((w) => w.subject === 'unknown').map((w) => [w.variable, w.notice === true])).toEqual([
      ['PASSWORD_STORE_DIR', true],
      ['LOG_FORMAT', true],
      ['SLACK_WEBHOOK_URL', true],
      ['CHIME_ACOUNT_ID', false],
    ]);
    const said = result.ok ? result.config.warnings.filter((w) => w.subject === 'unknown') : [];
    // What it is, that there is likely nothing to do, and what to rename it to if a setting was meant.
    expect(said[1]!.message).toBe(
      "LOG_FORMAT is not a setting Latchkey reads, so it is ignored. It only shares the LOG_ prefix with Latchkey's setting LOG_LEVEL: if another program uses it, there is nothing to do; if you meant that setting, rename it",
    );
    expect(said[0]!.message).toContain("Latchkey's settings PASSWORD_LENGTH or PASSWORD_SYMBOLS: if another program uses it, there is nothing to do");
    expect(JSON.stringify(said)).not.toContain('hooks.slack.com');
    // Beside problems: listed apart from the likely mistakes, not as "likely not what you meant".
    const failed = loadConfig({ ...env, SLACK_TEAM_ID: undefined });
    expect(failed).toMatchObject({ ok: false, warnings: [expect.stringMatching(/^CHIME_ACOUNT_ID /)], notices: [expect.stringMatching(/^PASSWORD_STORE_DIR /), expect.stringMatching(/^LOG_FORMAT /), expect.stringMatching(/^SLACK_WEBHOOK_URL /)] });
    const text = failed.ok ? '' : describeProblems(failed.problems, failed);
    expect(text.split('\n').slice(2, 6)).toEqual([
      'Also (not refused, but likely not what you meant):',
      expect.stringMatching(/^  - CHIME_ACOUNT_ID /),
      "Also ignored (likely another program's, named in case one was meant as a setting):",
      expect.stringMatching(/^  - PASSWORD_STORE_DIR /),
    ]);
  });

  it('a secret too short says which setting, its length (never the value), what one looks like and how to get or make one', () => {
    const duo = { RESET_POLICY: 'pin=verify', VERIFY_WITH: 'duo', DUO_API_HOSTNAME: 'api-1a2b3c4d.duosecurity.com', DUO_INTEGRATION_KEY: 'DIWJ8X6AEYOR5OMC6TQ1' };
    const okta = { OKTA_ORG_URL: 'https://acme.okta.com' };
    const entra = { ENTRA_TENANT_ID: '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11', ENTRA_CLIENT_ID: 'b2d4f6a8-3c5e-4a7b-8d9f-1e2c3b4a5d6e' };
    const secrets = { SLACK_SIGNING_SECRET: 'half-a-secret', METRICS_TOKEN: 'short1', OKTA_API_TOKEN: '00tooshort', ENTRA_CLIENT_SECRET: 'tiny-secret', DUO_SECRET_KEY: 'secret-key-cut-short' };
    const result = loadConfig({ ...VALID, ...duo, ...okta, ...entra, ...secrets });
    expect(result.ok ? [] : [...result.problems].sort()).toEqual([
      "DUO_SECRET_KEY: is 20 characters, too short for a Duo secret key (40 characters): copy the Secret key whole from the Duo Admin Panel → Applications → your Auth API application",
      "ENTRA_CLIENT_SECRET: is 11 characters, too short for an Entra client secret (about 40 characters; Latchkey takes 16 or more): copy the secret's Value (not its Secret ID) when you make it, in the app registration → Certificates & secrets → New client secret: it is shown only then, so make a new one if you no longer have it",
      'METRICS_TOKEN: is 6 characters, too short for the token /metrics asks for (at least 16 random characters): make one with `openssl rand -hex 32`, and give your scraper the same',
      'OKTA_API_TOKEN: is 10 characters, too short for an Okta API token (about 40 characters; Latchkey takes 20 or more): create one in the Okta admin console (Security → API → Tokens → Create token) and copy it whole: Okta shows it only once',
      'SLACK_SIGNING_SECRET: is 13 characters, too short for a Slack signing secret (32 hex characters; Latchkey takes 16 or more): copy it whole from your Slack app → Basic Information → App Credentials → Signing Secret (Show); not the Client Secret or Verification Token',
    ]);
    for (const value of Object.values(secrets)) expect(JSON.stringify(result)).not.toContain(value);
    expect(loadConfig({ ...VALID, METRICS_TOKEN: 'z' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^METRICS_TOKEN: is 1 character, too short/)] });
  });

  it('ADMIN_USER_IDS names each entry that is no Slack user ID, says what one looks like and where Slack shows it, and what was put there instead (an email, a display name, lower case)', () => {
    const result = loadConfig({ ...VALID, ADMIN_USER_IDS: 'U0ADA, ann@example.com,@bob,u0carl,,W0ENTERPRISE,nonsense,@bob' });
    const how = 'list user IDs, comma-separated, each U or W followed by capitals and digits, such as U0123ABCD. In Slack: the person\'s profile → ⋮ More → Copy member ID';
    expect(result.ok ? [] : result.problems).toEqual([
      `ADMIN_USER_IDS: "ann@example.com" is not a Slack user ID (an email address): ${how}`,
      `ADMIN_USER_IDS: "@bob" is not a Slack user ID (a display name): ${how}`,
      `ADMIN_USER_IDS: "u0carl" is not a Slack user ID (in lower case: Slack's IDs are in capitals, U0CARL): ${how}`,
      `ADMIN_USER_IDS: entry 7 (8 characters) is not a Slack user ID: ${how}`,
    ]);
    expect(loadConfig({ ...VALID, ADMIN_USER_IDS: `U0ADA,${'x'.repeat(60)}@example.com` })).toMatchObject({ ok: false, problems: [expect.stringMatching(new RegExp(`^ADMIN_USER_IDS: "${'x'.repeat(40)}…" is not a Slack user ID \\(an email address\\)`))] });
    expect(loadConfig({ ...VALID, ADMIN_USER_IDS: ' U0ADA , W0ENTERPRISE,' })).toMatchObject({ ok: true, config: { admins: { userIds: ['U0ADA', 'W0ENTERPRISE'] } } });
  });

  it('ADMIN_USER_IDS with its entries each inside < and >, or as Slack writes a mention (<@U…>), says so of each entry with the ID to list, never "remove the < and > around the value" (which would leave U0123ABCD>,<U0456EFGH)', () => {
    const problems = (admins: string) => {
      const result = loadConfig({ ...VALID, ADMIN_USER_IDS: admins });
      return result.ok ? [] : result.problems;
    };
    const inside = (n: number, id: string) => `ADMIN_USER_IDS: entry ${n} is inside < and >, which in .env.example only mark what to put there: list the ID alone, ${id}`;
    const mention = (n: number, id: string) => `ADMIN_USER_IDS: entry ${n} is a mention as Slack writes it (<@…>), not an ID: list the ID alone, ${id}`;
    expect(problems('<U0123ABCD>,<U0456EFGH>')).toEqual([inside(1, 'U0123ABCD'), inside(2, 'U0456EFGH')]);
    expect(problems('U0123ABCD, <U0456EFGH>')).toEqual([inside(2, 'U0456EFGH')]);
    expect(problems('<@U0123ABCD>')).toEqual([mention(1, 'U0123ABCD')]);
    expect(problems('<@U0123ABCD|ann>,<@W0456EFGH>')).toEqual([mention(1, 'U0123ABCD'), mention(2, 'W0456EFGH')]);
    // Anything else inside is not said back: only that the brackets go.
    expect(problems('U0123ABCD,<00abcSecretTokenPastedHere>')).toEqual(['ADMIN_USER_IDS: entry 2 is inside < and >, which in .env.example only mark what to put there: remove the < and > around it']);
    // The whole list inside one pair: removing them is right.
    expect(problems('<U0123ABCD,U0456EFGH>')).toEqual(['ADMIN_USER_IDS: is inside < and >, which in .env.example only mark what to put there: remove the < and > around the value']);
  });

  it('ADMIN_USER_IDS never shows an entry that could be a secret pasted there by mistake (a token, a signing secret): only its position and length', () => {
    // A bot token's shape, put together here so that no token-shaped text sits in the source (secret scanners read it).
    const token = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
    const signingSecret = '8f14e45fceea167a5a36dedd4bea2543';
    const result = loadConfig({ ...VALID, ADMIN_USER_IDS: `U0ADA,${token}, ${signingSecret}` });
    const how = 'list user IDs, comma-separated, each U or W followed by capitals and digits, such as U0123ABCD. In Slack: the person\'s profile → ⋮ More → Copy member ID';
    expect(result.ok ? [] : result.problems).toEqual([
      `ADMIN_USER_IDS: entry 2 (${token.length} characters) is not a Slack user ID: ${how}`,
      `ADMIN_USER_IDS: entry 3 (32 characters) is not a Slack user ID: ${how}`,
    ]);
    // Not the value, nor any 8-character piece of it (a cut or quoted part would still leak it).
    const said = JSON.stringify(result);
    for (const secret of [token, signingSecret]) {
      for (let i = 0; i + 8 <= secret.length; i++) expect(said).not.toContain(secret.slice(i, i + 8));
    }
  });

  it('requires the workspace Latchkey serves', () => {
    const { SLACK_TEAM_ID: _, ...noTeam } = VALID;
    expect(loadConfig(noTeam)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^SLACK_TEAM_ID: is required/)] });
  });

  it('refuses an Enterprise Grid org ID as the workspace, and says where it goes', () => {
    expect(loadConfig({ ...VALID, SLACK_TEAM_ID: 'E0ACMEORG' })).toEqual({
      ok: false,
      problems: ['SLACK_TEAM_ID: is an Enterprise Grid org ID (E…): put it in SLACK_ENTERPRISE_ID, and the workspace ID (T…) here'],
    });
  });

  it('serves a whole Enterprise Grid org when SLACK_ENTERPRISE_ID names it', () => {
    expect(loadConfig({ ...VALID, SLACK_ENTERPRISE_ID: 'E0ACMEORG' })).toMatchObject({
      ok: true,
      config: { slack: { workspace: { teamId: 'T0LATCHKEY', enterpriseId: 'E0ACMEORG' } } },
    });
    expect(loadConfig({ ...VALID, SLACK_ENTERPRISE_ID: 'T0NOTANORG' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^SLACK_ENTERPRISE_ID: must be an Enterprise Grid org ID/)] });
  });

  it.each(['true', '1', 'yes'])('reads DYNAMODB_CREATE_TABLES=%s as true', (v) => {
    expect(loadConfig({ ...VALID, DYNAMODB_CREATE_TABLES: v })).toMatchObject({ ok: true, config: { createTables: true } });
  });

  it("reads Slack's email-confirmed flag unless SLACK_EMAILS_VERIFIED_BY_SSO=true says the workspace signs in only through SSO", () => {
    expect(loadConfig(VALID)).toMatchObject({ ok: true, config: { slack: { workspace: { emailsVerifiedBySso: false } } } });
    expect(loadConfig({ ...VALID, SLACK_EMAILS_VERIFIED_BY_SSO: 'true' })).toMatchObject({ ok: true, config: { slack: { workspace: { emailsVerifiedBySso: true } } } });
  });

  it('refuses SLACK_EMAILS_VERIFIED_BY_SSO that is not true or false, saying so by name', () => {
    expect(loadConfig({ ...VALID, SLACK_EMAILS_VERIFIED_BY_SSO: 'sso' })).toMatchObject({
      ok: false,
      problems: ['SLACK_EMAILS_VERIFIED_BY_SSO: must be true or false'],
    });
  });
});

describe('the start with nothing set', () => {
  /** The environment of a first `npm start` in a fresh clone: no .env, nothing exported. */
  const said = (env: NodeJS.ProcessEnv) => {
    const result = loadConfig(env);
    return result.ok ? '' : describeProblems(result.problems, result);
  };

  it('says to copy .env.example to .env and fill it in, beside the sandbox to try it first', () => {
    const text = said({ PATH: '/usr/bin', HOME: '/home/ann' });
    expect(text.split('\n').slice(-3)).toEqual([
      'See the Configuration section of README.md, and .env.example.',
      'To try Latchkey without Slack or AWS first: `npm run sandbox` runs all of it against local stand-ins.',
      'To set it up: copy .env.example to .env and fill it in (`cp .env.example .env`); each <…> there says what to put, and `npm start` reads it.',
    ]);
  });

  it('once .env is made from the example (its placeholders still there), it is not told to copy it again: each placeholder says what to put', () => {
    const text = said({ SLACK_SIGNING_SECRET: "<the Signing Secret from your Slack app's Basic Information page>" });
    expect(text).toContain("SLACK_SIGNING_SECRET: still has .env.example's placeholder");
    expect(text).not.toContain('copy .env.example to .env');
  });

  it("a value typed inside .env.example's < and > (its brackets left around it) is said so for every setting, by name and never the value, whatever the setting would say of it: remove the < and >", () => {
    const env = { ...VALID, SLACK_BOT_TOKEN: '<xoxb-1234-abcd>', SLACK_TEAM_ID: '<T0123ABCD>', SLACK_SIGNING_SECRET: ' <8f742231b10e8888abcd99aaabbb85a5> ', OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '<00abcSecretToken>' };
    const result = loadConfig(env);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    const REMOVE = 'is inside < and >, which in .env.example only mark what to put there: remove the < and > around the value';
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_TEAM_ID', 'OKTA_API_TOKEN']) expect(problems.filter((p) => p.startsWith(`${name}:`))).toEqual([`${name}: ${REMOVE}`]);
    const text = describeProblems(problems, result.ok ? {} : result);
    for (const secret of ['xoxb-1234-abcd', '8f742231b10e8888', '00abcSecretToken']) expect(text).not.toContain(secret);
    // Every setting Latchkey reads, not a list of some: a port, a channel, a number.
    for (const name of ['PORT', 'APPROVALS_CHANNEL_ID', 'RESET_MAX_PER_HOUR']) {
      const one = loadConfig({ ...VALID, [name]: '<value>' });
      expect(one.ok ? [] : one.problems).toEqual([`${name}: ${REMOVE}`]);
    }
  });

  it('takes a value inside < and > where the setting itself takes < and > (METRICS_TOKEN): a server that started with one still starts, with the value as given', () => {
    const env = { ...VALID, METRICS_TOKEN: '<Zq8#x!Lm2@pR7vK$w>' };
    expect(loadConfig(env)).toMatchObject({ ok: true, config: { metricsToken: '<Zq8#x!Lm2@pR7vK$w>' } });
  });

  // Shown in a mrkdwn code block, where Slack still reads &, < … > and a backtick: the password shown would not be the one set (sec-s55 NIT 1).
  it.each(['<!#$%>', '!#$%<', '!#$%>', '!#$%&', '!#$%`'])('refuses PASSWORD_SYMBOLS %s, naming the characters Slack would read in the shown password, beside every other problem', (symbols) => {
    const { CHIME_ACCOUNT_ID: _, ...base } = VALID;
    const env = { ...base, WORKMAIL_ORGANIZATION_ID: `m-${'a1'.repeat(16)}` };
    const refused = loadConfig({ ...env, PASSWORD_SYMBOLS: symbols, PASSWORD_LENGTH: '12' });
    expect(refused.ok ? [] : [...refused.problems].sort()).toEqual([
      'PASSWORD_LENGTH: must be a whole number from 16 to 64',
      `PASSWORD_SYMBOLS: must not hold <, >, & or a backtick (\`): Slack reads them in the message that shows the new password, so it could show one other than the password set. Remove them, or unset PASSWORD_SYMBOLS for its default (${DEFAULT_PASSWORD_SYMBOLS})`,
    ]);
    expect(loadConfig({ ...env, PASSWORD_SYMBOLS: DEFAULT_PASSWORD_SYMBOLS })).toMatchObject({ ok: true, config: { credentials: [{ settings: { password: { symbols: DEFAULT_PASSWORD_SYMBOLS } } }] } });
    expect(loadConfig(env)).toMatchObject({ ok: true, config: { credentials: [{ settings: { password: { symbols: DEFAULT_PASSWORD_SYMBOLS } } }] } });
    // Still refused for what its other check refuses, said by that check.
    expect(loadConfig({ ...env, PASSWORD_SYMBOLS: 'ab!#' })).toMatchObject({ ok: false, problems: [`PASSWORD_SYMBOLS: must be 4 to 32 ASCII punctuation characters, or unset for its default (${DEFAULT_PASSWORD_SYMBOLS})`] });
  });

  it('a configured deployment with a problem is not told to copy .env.example', () => {
    expect(said({ ...VALID, SLACK_TEAM_ID: undefined })).not.toContain('copy .env.example');
  });
});
