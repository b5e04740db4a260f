import type { GoogleSimulator, GoogleSimUser } from '../../src/credentials/google/stand-in';
import { Harness, PEOPLE, expectUnansweredChange, expectUnconfirmedChange, secretIn, slackUser, TEAM, useHarness } from '../support/harness';

/** /reset-google-password end to end: Google Workspace over the Admin SDK's REST API, against the Google stand-in. */
const GOOGLE_PEOPLE: GoogleSimUser[] = [
  { id: 'g-ann', primaryEmail: 'Ann@Example.com', fullName: 'Ann Archer' },
  // Someone else's alias: Google answers for it with that person's account.
  { id: 'g-bob', primaryEmail: 'bob@example.com', aliases: ['avi@example.com'] },
  { id: 'g-carl', primaryEmail: 'carl@example.com', suspended: true },
  { id: 'g-susp', primaryEmail: 'suspended@example.com', archived: true },
  { id: 'g-ada', primaryEmail: 'ada@example.com', isAdmin: true },
  { id: 'g-room', primaryEmail: 'room@example.com', isDelegatedAdmin: true },
  { id: 'g-max', primaryEmail: 'max@example.com' },
  { id: 'g-it', primaryEmail: 'it-admin@example.com', isAdmin: true },
  // In an organizational unit the admin's role does not cover: Google answers 403 forbidden for her.
  { id: 'g-oli', primaryEmail: 'oli@example.com', beyondAdminReach: true },
];
const SLACK_PEOPLE = [...PEOPLE.slack, slackUser('UXAVI', 'avi@example.com'), slackUser('UOLI', 'oli@example.com'), slackUser('UKIT', 'kit@contractor.example')];
const COMMAND = '/reset-google-password';

describe('/reset-google-password', () => {
  const h = useHarness({ slackUsers: SLACK_PEOPLE, accounts: { google_password: GOOGLE_PEOPLE } }, (x) => {
    x.slack.clear();
    google(x).clear();
    google(x).setLatency(0);
  });
  const google = (x: Harness = h) => x.standIns.get('google_password') as GoogleSimulator;
  const changes = () => google().calls.filter((c) => c.operation === 'UpdateUser' || c.operation === 'SignOut');

  it('sets a password that must be changed at next sign-in, signs every session out, and shows it to the requester alone', async () => {
    const { view, final } = await h.reset(COMMAND, 'UANN');
    expect(view.title.text).toBe('Reset Google password');
    const password = secretIn(final)!;
    expect(password).toBe(google().passwordOf('g-ann'));
    expect(google().mustChangePassword('g-ann')).toBe(true);
    // The sign-out follows the password's modal; the outcome record follows the sign-out.
    const records = await h.waitForAudit('UANN', (r) => r.action === 'reset_google_password' && r.phase === 'outcome');
    expect(google().signOuts('g-ann')).toBe(1);
    expect(changes().map((c) => [c.operation, c.params.userKey])).toEqual([
      ['UpdateUser', 'g-ann'],
      ['SignOut', 'g-ann'],
    ]);
    expect(google().callsTo('UpdateUser')[0]!.params).toMatchObject({ fields: ['changePasswordAtNextLogin', 'password'], changePasswordAtNextLogin: true });
    // The token: an RS256 assertion from the service account, acting as the admin, for the Directory API's user
    // scope and the user.security scope that users.signOut requires (the stand-in refuses signOut without it).
    expect(google().callsTo('Token')[0]!.params).toEqual({
      grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      iss: google().clientEmail,
      sub: google().adminEmail,
      scope: 'https://www.googleapis.com/auth/admin.directory.user https://www.googleapis.com/auth/admin.directory.user.security',
      aud: `${google().url}/token`,
      alg: 'RS256',
      kid: JSON.parse(google().serviceAccountKey).private_key_id,
    });

    expect(records.filter((r) => r.action === 'reset_google_password').map((r) => [r.phase, r.outcome, r.directory, r.directoryUserId, r.slackTeamId])).toEqual([
      ['attempt', undefined, 'google', 'g-ann', TEAM],
      ['outcome', 'success', 'google', 'g-ann', TEAM],
    ]);

    // The password, the private key and every token: nowhere but the requester's modal.
    const secretViews = (c: { method: string; args: any }) => c.method === 'views.update' && c.args.view?.blocks?.some((b: any) => b.block_id === 'secret');
    const secrets = google().secrets();
    expect(secrets).toEqual(expect.arrayContaining([password, JSON.parse(google().serviceAccountKey).private_key]));
    const keyBody = (JSON.parse(google().serviceAccountKey).private_key as string).split('\n')[1]!;
    for (const place of [
      JSON.stringify(h.slack.calls.filter((c) => !secretViews(c))),
      h.logs.join(''),
      await h.rawAuditTable(),
      JSON.stringify([...h.standIns.values()].map((s) => s.calls)),
    ]) {
      for (const secret of [...secrets, keyBody]) expect(place).not.toContain(secret);
    }
  });

  it.each([
    ['a suspended account', 'UCARL', 'Your Google account is suspended.', 'DIRECTORY_USER_SUSPENDED'],
    ['an archived account', 'USUSP', 'Your Google account is archived: an archived account cannot sign in, so its password is not reset by self-service.', 'DIRECTORY_USER_REFUSED'],
    ['a super admin', 'UADA', 'Your Google account has an admin role; admin accounts are never reset by self-service.', 'DIRECTORY_USER_PRIVILEGED'],
    ['a delegated admin', 'UROOM', 'has an admin role', 'DIRECTORY_USER_PRIVILEGED'],
    ['an email unknown to Google', 'UNOCHIME', "Latchkey cannot find your Google account: no Google account has your Slack email *nochime@example.com* as its main email address.", 'DIRECTORY_USER_NOT_FOUND'],
    // Google finds an account by an alias too: not the person's, and not said to be no account at all.
    ["an email that is someone else's alias", 'UXAVI', "Latchkey cannot find your Google account: no Google account has your Slack email *avi@example.com* as its main email address.", 'DIRECTORY_USER_NOT_FOUND'],
  ])('refuses %s with a clear message, audits why, and changes nothing', async (_what, userId, message, code) => {
    const { view } = await h.open(COMMAND, userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks).replace(/\n/g, ' ')).toContain(message);
    await h.waitForAudit(userId, (r) => r.phase === 'refused' && r.errorCode === code);
    expect(changes()).toEqual([]);
  });

  it.each([
    ['403 userRateLimitExceeded', 'user-rate-limit'],
    ['429 rateLimitExceeded', 'too-many-requests'],
  ] as const)('throttled once (%s): waits within the person\'s patience, then succeeds', async (_what, failure) => {
    google().failNext('GetUser', failure);
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(view.submit?.text).toBe('Reset password');
    expect(google().callsTo('GetUser')).toHaveLength(2);
  });

  it('throttled past the person\'s patience: "busy", never "misconfigured", and nothing changes', async () => {
    google().failNext('GetUser', 'user-rate-limit', 5);
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(JSON.stringify(view)).toContain('Google Workspace is busy and asked Latchkey to slow down. Nothing was changed.');
    expect(changes()).toEqual([]);
  });

  it("403 forbidden on the lookup of an address in a domain this Workspace does not hold (a contractor's own): no account here, nobody paged; the admin's own read told it apart", async () => {
    const { view } = await h.open(COMMAND, 'UKIT');
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('Latchkey cannot find your Google account: no Google account has your Slack email *kit@contractor.example* as its main email address');
    await h.waitForAudit('UKIT', (r) => r.phase === 'refused' && r.errorCode === 'DIRECTORY_USER_NOT_FOUND');
    expect(google().callsTo('GetUser').map((c) => c.params.userKey)).toEqual(['kit@contractor.example', google().adminEmail]);
    expect(h.logs.join('')).not.toMatch(/"alert":true/);
    expect(changes()).toEqual([]);
  });

  it("403 forbidden on the lookup of a person in the admin's own domain, while the admin reads itself: beyond the admin's role, so she is told to ask IT with the reference (never \"no account\"), the log line says what to give the admin, and nobody is paged", async () => {
    const logged = h.logs.length;
    const { view } = await h.open(COMMAND, 'UOLI');
    expect(view.submit).toBeUndefined();
    const words = JSON.stringify(view.blocks);
    expect(words).toContain('Google would not let Latchkey look up your Google account: the Google admin Latchkey acts for does not manage the part of your organization your account is in. Nothing was changed.');
    expect(words).toContain('Ask IT to reset your password, and give them the reference below.');
    expect(words).not.toContain('No Google Workspace account');
    const [refused] = await h.waitForAudit('UOLI', (r) => r.phase === 'refused');
    expect(refused).toMatchObject({ errorCode: 'DIRECTORY_USER_REFUSED', reason: 'beyond_admin', action: 'reset_google_password' });
    expect(words).toContain(refused!.requestId);
    const lines = h.logs.slice(logged).join('');
    expect(lines).toContain("forbidden for a person in GOOGLE_ADMIN_EMAIL's domain (example.com), while the admin reads itself: the admin's role does not reach this user");
    expect(lines).toContain('assign GOOGLE_ADMIN_EMAIL');
    expect(lines).not.toMatch(/"alert":true/);
    expect(changes()).toEqual([]);
  });

  it('403 forbidden on the lookup, and for the admin itself too (its role lost the Users rights): misconfigured, an operator alert saying what to grant, nothing changed', async () => {
    const logged = h.logs.length;
    google().adminReadsUsers = false;
    try {
      const { view } = await h.open(COMMAND, 'UMAX');
      expect(view.submit).toBeUndefined();
      expect(JSON.stringify(view.blocks)).toContain('Latchkey is misconfigured.');
      await h.waitForAudit('UMAX', (r) => r.phase === 'refused' && r.errorCode === 'DIRECTORY_MISCONFIGURED');
      const alert = h.logs.slice(logged).join('').split('\n').find((l) => l.includes('"alert":true'));
      expect(alert).toContain('for the person and for GOOGLE_ADMIN_EMAIL itself: the admin Latchkey acts as may read no user');
      expect(changes()).toEqual([]);
    } finally {
      google().adminReadsUsers = true;
    }
  });

  it('403 forbidden on the update: misconfigured, an operator alert, nothing shown', async () => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => google().failNext('UpdateUser', { status: 403, reason: 'forbidden', message: 'Not Authorized to access this resource/api' }) });
    expect(secretIn(final)).toBeUndefined();
    expect(JSON.stringify(final)).toContain('Latchkey is misconfigured.');
    await h.waitForAudit('UMAX', (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_MISCONFIGURED');
    expect(h.logs.join('')).toMatch(/"alert":true.*operator action needed/);
  });

  it('a 503 (Google did not take the request on) is "not answering, nothing was changed", and is audited', async () => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => google().failNext('UpdateUser', { status: 503, reason: 'backendError', message: 'Backend Error' }) });
    expect(JSON.stringify(final)).toContain('Google Workspace is not answering right now. Nothing was changed.');
    await h.waitForAudit('UMAX', (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_UNAVAILABLE');
  });

  it.each([
    [500, 'backendError', 'Backend Error'],
    [502, 'backendError', 'Bad Gateway'],
    [504, 'backendError', 'Gateway Timeout'],
  ])('the password set answered %i: Google may have set it, so it is sent once and the person is never told nothing was changed', async (status, reason, message) => {
    await expectUnconfirmedChange(h, {
      command: COMMAND,
      userId: 'UMAX',
      standIn: google(),
      operation: 'UpdateUser',
      fail: () => google().failNext('UpdateUser', { status, reason, message }),
      told: 'Google Workspace did not confirm the reset, so Latchkey cannot tell whether your Google password was reset.',
    });
  });

  it('signing out fails after the password was set: the password is still shown, the outcome is audited as partial, and an operator is alerted', async () => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => google().failNext('SignOut', { status: 503, reason: 'backendError', message: 'Backend Error' }) });
    const password = secretIn(final);
    expect(password).toBe(google().passwordOf('g-max'));
    const records = await h.waitForAudit('UMAX', (r) => r.phase === 'outcome' && r.outcome === 'partial');
    expect(records.filter((r) => r.outcome === 'partial')).toEqual([expect.objectContaining({ action: 'reset_google_password', directoryUserId: 'g-max', incomplete: 'signOut:DIRECTORY_UNAVAILABLE' })]);
    expect(h.logs.join('')).toMatch(/reset done, but a step after the change failed/);
    expect(h.logs.join('')).not.toContain(password);
    // Shown before the sign-out was tried, the password's modal cannot say it; the receipt does.
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => String(c.args.text).includes('did not finish'));
    expect(dm.args.text).toMatch(/^Your Google Workspace password was reset at .* A step after the reset did not finish; an admin has been alerted\.$/);
  });

  it('no answer within the request timeout to the lookup, before any change: Google Workspace is "not answering", and nothing was changed', async () => {
    const release = google().hold(['GetUser']);
    const { view } = await h.open(COMMAND, 'UMAX', { timeoutMs: 10_000 }).finally(release);
    expect(JSON.stringify(view)).toContain('Google Workspace is not answering right now. Nothing was changed.');
    expect(changes()).toEqual([]);
  }, 15_000);

  it('the password set not answered within the request timeout: Google may have set it, so the person is never told nothing was changed', async () => {
    await expectUnansweredChange(h, { command: COMMAND, userId: 'UMAX', standIn: google(), operation: 'UpdateUser', told: 'Google Workspace did not confirm the reset, so Latchkey cannot tell whether your Google password was reset.' });
  }, 30_000);

  it("a key rotated in Google (the old one deleted): the token is refused, Latchkey says it is misconfigured and alerts, and never logs the key", async () => {
    const old = JSON.parse(google().serviceAccountKey).private_key as string;
    await h.open(COMMAND, 'UMAX');
    google().rotateKey();
    const { view } = await h.open(COMMAND, 'UANN');
    expect(JSON.stringify(view)).toContain('Latchkey is misconfigured.');
    expect(h.logs.join('')).toMatch(/google:Token 400: invalid_grant","alert":true/);
    expect(h.logs.join('')).not.toContain(old.split('\n')[1]);
    expect(changes()).toEqual([]);
  });
});

describe('/reset-google-password acting as someone who is not an admin', () => {
  const h = useHarness({ accounts: { google_password: GOOGLE_PEOPLE }, env: { GOOGLE_ADMIN_EMAIL: 'max@example.com' } });

  it('the token is refused (unauthorized_client): misconfigured, and an operator is alerted', async () => {
    const { view } = await h.open(COMMAND, 'UANN');
    expect(JSON.stringify(view)).toContain('Latchkey is misconfigured.');
    expect(h.logs.join('')).toMatch(/google:Token 401: unauthorized_client","alert":true/);
  });
});

describe('/reset-google-password where Google is not set up', () => {
  // Named in RESET_POLICY all the same: a policy does not switch a credential on. (Okta's password named too, so that the only RESET_POLICY warning is Google's.)
  const h = useHarness({ without: ['google_password'], env: { RESET_POLICY: 'google_password=approval,okta_password=self-service' } });

  it('answers "not enabled here" privately and opens nothing', async () => {
    const res = await h.command(COMMAND, 'UANN');
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Google Workspace password resets are not enabled in this workspace. Ask IT how to reset it.' });
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('a RESET_POLICY entry for it is a warning at start, naming it and what to do: the admin who wrote it hears it is not in force', () => {
    const warnings = h.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn' && l.variable === 'RESET_POLICY');
    expect(warnings).toEqual([
      expect.objectContaining({
        subject: 'google_password',
        msg: expect.stringMatching(/^google_password=approval is not in force: Google Workspace is not set up here \(GOOGLE_\w+ is unset\), so \/reset-google-password is off\. Set GOOGLE_\w+ and the rest of Google Workspace's settings \(README, Configuration\) to offer it, or take google_password out of RESET_POLICY$/),
      }),
    ]);
  });
});

describe('/reset-google-password under the approval policy: what the reviewing admin is shown of the account', () => {
  const REVIEWED: GoogleSimUser[] = [
    {
      id: 'g-max',
      primaryEmail: 'max@example.com',
      aliases: ['maxwell@example.com'],
      isEnrolledIn2Sv: true,
      isEnforcedIn2Sv: true,
      lastLoginTime: '2026-11-29T07:45:00.000Z',
      creationTime: '2024-03-04T10:00:00.000Z',
      recoveryPhone: '+14155550199',
      phones: [{ value: '+1 415 555 0142', type: 'work' }],
    },
    // Never signed in, must change the password it was given; Google's answer says nothing of when it was made, nor of enforcement.
    { id: 'g-ann', primaryEmail: 'ann@example.com', isEnforcedIn2Sv: null, lastLoginTime: null, creationTime: null, changePasswordAtNextLogin: true },
    { id: 'g-ada', primaryEmail: 'ada@example.com', isAdmin: true },
  ];
  const h = useHarness({ accounts: { google_password: REVIEWED }, env: { RESET_POLICY: 'google_password=approval,okta_password=self-service' } }, (x) => {
    x.slack.clear();
    google(x).clear();
  });
  const google = (x: Harness = h) => x.standIns.get('google_password') as GoogleSimulator;
  const date = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

  it("the admin's review says what Google knows of the account (active, 2-Step Verification, password change required, last sign-in, creation), read by its ID, never a phone number", async () => {
    const request = await h.asksForReset(COMMAND, 'UMAX');
    google().clear();
    const review = await h.opensReview('UADA', request);
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('*What Google Workspace says of this account*');
    expect(text).toContain('Status: active');
    expect(text).toContain('2-Step Verification: enrolled, enforced for them');
    expect(text).toContain('Must change password at next sign-in: no');
    expect(text).toContain(`Last sign-in: ${date('2026-11-29T07:45:00.000Z')}`);
    expect(text).toContain(`Account created: ${date('2024-03-04T10:00:00.000Z')}`);
    // The request's reference (in its buttons and private_metadata) ends in random hex, which can hold "0199" by chance.
    const shown = JSON.stringify(review.view).replaceAll(request.requestId.split('_')[1]!, '<reference>');
    for (const detail of ['0199', '0142', 'maxwell']) expect(shown).not.toContain(detail);
    // One read, by the ID the request was filed for (never an address, which an alias could answer for), changing nothing.
    expect(google().calls.filter((c) => c.operation !== 'Token').map((c) => [c.operation, c.params.userKey])).toEqual([['GetUser', 'g-max']]);
    expect(review.view.submit.text).toBe('Submit decision');
  });

  it('a fact Google does not give is left out, never shown as "undefined"; one it gives as 1970 is "never"', async () => {
    const request = await h.asksForReset(COMMAND, 'UANN');
    const review = await h.opensReview('UADA', request);
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('Status: active');
    expect(text).toContain('2-Step Verification: not enrolled\\n');
    expect(text).toContain('Must change password at next sign-in: yes');
    expect(text).toContain('Last sign-in: never');
    for (const missing of ['Account created', 'enforced', 'undefined', 'null', 'Invalid', '1970', 'could not ask']) expect(text).not.toContain(missing);
  });
});
