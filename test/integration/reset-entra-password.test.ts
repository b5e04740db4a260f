import type { EntraSimulator, EntraSimUser } from '../../src/credentials/entra/stand-in';
import { meetsComplexity } from '../../src/credentials/entra/stand-in';
import { Harness, PEOPLE, expectUnansweredChange, expectUnconfirmedChange, secretIn, slackUser, TEAM, useHarness } from '../support/harness';
import { until } from '../support/until';

/** /reset-entra-password end to end: Microsoft Entra ID over Graph's REST API, against the Entra stand-in. */
const ENTRA_PEOPLE: EntraSimUser[] = [
  { id: 'e-ann', mail: 'Ann@Example.com', displayName: 'Ann Archer' },
  { id: 'e-xann', mail: 'xann@example.com' },
  { id: 'e-annau', mail: 'ann@example.com.au' },
  { id: 'e-bob', mail: 'bob@example.com', accountEnabled: false },
  { id: 'e-gwen', mail: 'gwen@partner.example', userType: 'Guest' },
  { id: 'e-ada', mail: 'ada@example.com', roles: ['Global Administrator'] },
  { id: 'e-carl', mail: 'carl@example.com', roles: ['Helpdesk Administrator'] },
  { id: 'e-max', mail: 'max@example.com' },
  { id: 'e-quote', mail: "o'brien@example.com" },
  // Synced from on-premises Active Directory by Entra Connect.
  { id: 'e-sam', mail: 'sam@example.com', onPremisesSyncEnabled: true },
  // Her mail is at example.com (Managed); she signs in as fay@corp.example, a domain a test federates.
  { id: 'e-fay', mail: 'fay@example.com', userPrincipalName: 'fay@corp.example' },
  // Each alone in a domain no other test looks up: what Latchkey remembers of a domain starts empty for them.
  { id: 'e-lee', mail: 'lee@branch.example' },
  { id: 'e-nina', mail: 'nina@east.example' },
  { id: 'e-omar', mail: 'omar@west.example' },
  { id: 'e-pia', mail: 'pia@north.example' },
  { id: 'e-uma', mail: 'uma@south.example' },
  // No role Graph lists as held, yet protected from the app's reset (eligible for an admin role through PIM, say).
  { id: 'e-pat', mail: 'pat@example.com', protectedFromReset: true },
  // Three more Graph refuses alike: as every user looks to an app that lost its role.
  { id: 'e-rae', mail: 'rae@example.com', protectedFromReset: true },
  { id: 'e-sol', mail: 'sol@example.com', protectedFromReset: true },
  { id: 'e-tia', mail: 'tia@example.com', protectedFromReset: true },
  // In many groups: Graph lists their memberships 100 a page, groups first, so their role (if any) is past the first page.
  { id: 'e-gia', mail: 'gia@example.com', groups: 250, roles: ['User Administrator'] },
  { id: 'e-ivy', mail: 'ivy@example.com', groups: 250 },
  { id: 'e-hal', mail: 'hal@example.com', groups: 1200 },
];
const SLACK_PEOPLE = [...PEOPLE.slack, slackUser('UGWEN', 'gwen@partner.example'), slackUser('UXAVI', 'avi@example.com'), slackUser('UOBRIEN', "o'brien@example.com"), slackUser('USAM', 'sam@example.com'), slackUser('UFAY', 'fay@example.com'), slackUser('ULEE', 'lee@branch.example'), slackUser('UNINA', 'nina@east.example'), slackUser('UOMAR', 'omar@west.example'), slackUser('UPIA', 'pia@north.example'), slackUser('UUMA', 'uma@south.example'), slackUser('UPAT', 'pat@example.com'), slackUser('URAE', 'rae@example.com'), slackUser('USOL', 'sol@example.com'), slackUser('UTIA', 'tia@example.com'), slackUser('UGIA', 'gia@example.com'), slackUser('UIVY', 'ivy@example.com'), slackUser('UHAL', 'hal@example.com')];
const COMMAND = '/reset-entra-password';

describe('/reset-entra-password', () => {
  const h = useHarness({ slackUsers: SLACK_PEOPLE, accounts: { entra_password: ENTRA_PEOPLE } }, (x) => {
    x.slack.clear();
    entra(x).clear();
    entra(x).setLatency(0);
  });
  const entra = (x: Harness = h) => x.standIns.get('entra_password') as EntraSimulator;
  const changes = () => entra().calls.filter((c) => c.operation === 'SetPassword' || c.operation === 'RevokeSessions');

  it('sets a temporary password that must be changed at next sign-in, signs every session out, and shows it to the requester alone', async () => {
    const { view, final } = await h.reset(COMMAND, 'UANN');
    expect(view.title.text).toBe('Reset Microsoft password');
    expect(JSON.stringify(view.blocks)).toContain("you'll be signed out of Microsoft 365 everywhere");

    const password = secretIn(final)!;
    expect(password).toBe(entra().passwordOf('e-ann'));
    expect(meetsComplexity(password)).toBe(true);
    expect(entra().mustChangePassword('e-ann')).toBe(true);
    expect(final.title.text).toBe('Your temporary password');
    // The sign-out follows the password's modal; the outcome record follows the sign-out.
    const records = await h.waitForAudit('UANN', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome');
    expect(entra().revocations('e-ann')).toBe(1);
    // Only the exact address, whatever its case: the look-alikes are never touched.
    expect(changes().map((c) => [c.operation, c.params.userId])).toEqual([
      ['SetPassword', 'e-ann'],
      ['RevokeSessions', 'e-ann'],
    ]);
    expect(entra().callsTo('ListRoles').map((c) => c.params.userId)).toEqual(['e-ann']);
    expect(entra().callsTo('ListUsers')[0]!.params).toEqual({ filter: "mail eq 'ann@example.com'", select: 'id,accountEnabled,mail,userPrincipalName,userType,displayName' });
    // The token, by the client-credentials grant for Graph.
    expect(entra().callsTo('Token')[0]!.params).toEqual({ tenant: entra().tenantId, clientId: entra().clientId, grantType: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });

    expect(records.filter((r) => r.action === 'reset_entra_password').map((r) => [r.phase, r.outcome, r.directory, r.directoryUserId, r.slackTeamId])).toEqual([
      ['attempt', undefined, 'entra', 'e-ann', TEAM],
      ['outcome', 'success', 'entra', 'e-ann', TEAM],
    ]);

    // The password, the client secret and every token issued: nowhere but the requester's modal.
    const secretViews = (c: { method: string; args: any }) => c.method === 'views.update' && c.args.view?.blocks?.some((b: any) => b.block_id === 'secret');
    const secrets = entra().secrets();
    expect(secrets).toEqual(expect.arrayContaining([password, entra().clientSecret]));
    for (const place of [
      JSON.stringify(h.slack.calls.filter((c) => !secretViews(c))),
      h.logs.join(''),
      await h.rawAuditTable(),
      JSON.stringify([...h.standIns.values()].map((s) => s.calls)),
    ]) {
      for (const secret of secrets) expect(place).not.toContain(secret);
    }
  });

  it('one token serves many calls until shortly before it expires', async () => {
    await h.reset(COMMAND, 'UMAX');
    await h.open(COMMAND, 'UANN');
    await h.waitForAudit('UMAX', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome');
    expect(entra().callsTo('Token').length).toBeLessThanOrEqual(1);
  });

  it("a quote in the email is written twice in Graph's filter", async () => {
    const { view } = await h.open(COMMAND, 'UOBRIEN');
    expect(view.submit?.text).toBe('Reset password');
    expect(entra().callsTo('ListUsers')[0]!.params.filter).toBe("mail eq 'o''brien@example.com'");
  });

  it.each([
    ['a disabled account', 'UBOB', 'Your Microsoft 365 account is disabled.', 'DIRECTORY_USER_DISABLED'],
    ['an account with a directory role', 'UADA', 'Your Microsoft 365 account has an admin role; admin accounts are never reset by self-service.', 'DIRECTORY_USER_PRIVILEGED'],
    ['an account with a lesser admin role', 'UCARL', 'has an admin role', 'DIRECTORY_USER_PRIVILEGED'],
    ['an email unknown to Entra', 'UNOCHIME', "Latchkey cannot find your Microsoft 365 account: no Microsoft 365 account has your Slack email *nochime@example.com* as its main email address.", 'DIRECTORY_USER_NOT_FOUND'],
    ['an email only look-alikes match', 'UXAVI', "account has your Slack email", 'DIRECTORY_USER_NOT_FOUND'],
  ])('refuses %s with a clear message, audits why, and changes nothing', async (_what, userId, message, code) => {
    const { view } = await h.open(COMMAND, userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks).replace(/\n/g, ' ')).toContain(message);
    await h.waitForAudit(userId, (r) => r.phase === 'refused' && r.errorCode === code);
    expect(changes()).toEqual([]);
  });

  it("a person in many groups: the role check reads every page Graph gives (@odata.nextLink, on Graph only), so an admin whose role is on the third page is refused as one, one in as many groups without a role is offered the reset, and one in more groups than 10 pages hold is refused in Entra's own words, never taken for one without a role", async () => {
    const pages = (userId: string) => entra().callsTo('ListRoles').filter((c) => c.params.userId === userId).map((c) => c.params.skiptoken ?? '0');
    const gia = await h.open(COMMAND, 'UGIA');
    expect(gia.view.submit).toBeUndefined();
    expect(JSON.stringify(gia.view.blocks)).toContain('Your Microsoft 365 account has an admin role; admin accounts are never reset by self-service.');
    await h.waitForAudit('UGIA', (r) => r.phase === 'refused' && r.errorCode === 'DIRECTORY_USER_PRIVILEGED');
    expect(pages('e-gia')).toEqual(['0', '1', '2']);

    const ivy = await h.open(COMMAND, 'UIVY');
    expect(ivy.view.submit?.text).toBe('Reset password');
    expect(pages('e-ivy')).toEqual(['0', '1', '2']);

    const hal = await h.open(COMMAND, 'UHAL');
    expect(hal.view.submit).toBeUndefined();
    expect(JSON.stringify(hal.view.blocks)).toContain('Your Microsoft 365 account is in more groups than Latchkey reads to check it holds no admin role, so Latchkey will not reset its password. Nothing was changed.');
    expect(JSON.stringify(hal.view.blocks)).toContain('Ask IT to reset it, and give them the reference below.');
    const [refused] = await h.waitForAudit('UHAL', (r) => r.phase === 'refused');
    expect(refused).toMatchObject({ errorCode: 'DIRECTORY_USER_REFUSED', reason: 'roles_unread', action: 'reset_entra_password' });
    // The reference IT is to be given is in the refusal.
    expect(JSON.stringify(hal.view.blocks)).toContain(refused!.requestId);
    expect(pages('e-hal')).toHaveLength(10);
    expect(changes()).toEqual([]);
  });

  it("a next page of memberships linked off Graph is never followed (the token goes to Graph only): the lookup fails closed, nothing is offered, and the log line names the link's origin alone", async () => {
    const logged = h.logs.length;
    entra().linkNextPagesTo('https://user:hunter2@graph.attacker.example');
    try {
      const { view } = await h.open(COMMAND, 'UIVY');
      expect(view.submit).toBeUndefined();
      await h.waitForAudit('UIVY', (r) => r.phase === 'refused' && r.errorCode === 'DIRECTORY_REJECTED');
      expect(entra().callsTo('ListRoles').filter((c) => c.params.userId === 'e-ivy').map((c) => c.params.skiptoken ?? '0')).toEqual(['0']);
      const lines = h.logs.slice(logged).join('');
      expect(lines).toContain('entra:ListRoles answered with a next page off Graph (on https://graph.attacker.example): not followed');
      expect(lines).not.toContain('hunter2');
      expect(changes()).toEqual([]);
    } finally {
      entra().linkNextPagesTo(undefined);
    }
  });

  it("a directory guest (a Slack member, invited to Entra from elsewhere) is refused in Entra's own words, with its own audit reason", async () => {
    const { view } = await h.open(COMMAND, 'UGWEN');
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('Your Microsoft 365 account here is a guest account: its password belongs to the organization that invited you.');
    const [refused] = await h.waitForAudit('UGWEN', (r) => r.phase === 'refused');
    expect(refused).toMatchObject({ errorCode: 'DIRECTORY_USER_REFUSED', reason: 'directory_guest', action: 'reset_entra_password' });
    expect(changes()).toEqual([]);
  });

  it("an account synced from Active Directory, in a tenant without password writeback: Graph's refusal (400 Request_BadRequest, on-premises mastered) says where to reset it, shows nothing, pages nobody, and is audited with its reason", async () => {
    // Offered: with password writeback Graph sets such a password (next test), and only Graph knows whether the tenant has it.
    const { view, final } = await h.reset(COMMAND, 'USAM');
    expect(view.submit?.text).toBe('Reset password');
    expect(secretIn(final)).toBeUndefined();
    const said = JSON.stringify(final.blocks);
    expect(said).toContain("Your Microsoft 365 password is managed by your company's Active Directory, so Latchkey cannot reset it.");
    expect(said).toContain('Reset it where you reset your company (Windows) password, or contact IT');
    // Refused once, not taken for a password the tenant's rule refused and tried again; no sign-out after it.
    expect(changes().map((c) => c.operation)).toEqual(['SetPassword']);
    expect(entra().passwordOf('e-sam')).toBeUndefined();
    const records = await h.waitForAudit('USAM', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome');
    expect(records.find((r) => r.phase === 'outcome')).toMatchObject({ outcome: 'failure', errorCode: 'DIRECTORY_USER_REFUSED', reason: 'synced_from_on_premises', directoryUserId: 'e-sam' });
    // The person's account, not our fault: nobody is paged.
    expect(h.logs.join('')).not.toMatch(/"alert":true/);
  });

  it('the same account in a tenant with password writeback: reset as any other (the password chosen at the next sign-in is written back to Active Directory)', async () => {
    entra().setPasswordWriteback(true);
    try {
      const { final } = await h.reset(COMMAND, 'USAM');
      expect(secretIn(final)).toBe(entra().passwordOf('e-sam'));
      expect(entra().mustChangePassword('e-sam')).toBe(true);
      await h.waitForAudit('USAM', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
      expect(entra().revocations('e-sam')).toBe(1);
    } finally {
      entra().setPasswordWriteback(false);
    }
  });

  it("an account in a federated domain (it signs in at another identity provider: AD FS, Okta, Ping…, whose password a cloud reset would not change) is refused before any confirmation in Entra's own words, nothing that changes anything is sent, and the refusal is audited with its reason", async () => {
    entra().setDomain('corp.example', 'Federated');
    const { view } = await h.open(COMMAND, 'UFAY');
    expect(view.submit).toBeUndefined();
    const said = JSON.stringify(view.blocks);
    expect(said).toContain("Your Microsoft 365 account signs in through your organization's own sign-in service, not Microsoft's, so Latchkey cannot reset its password.");
    expect(said).toContain('Reset it where you sign in (your organization\'s sign-in page), or ask IT.');
    const [refused] = await h.waitForAudit('UFAY', (r) => r.phase === 'refused');
    expect(refused).toMatchObject({ errorCode: 'DIRECTORY_USER_REFUSED', reason: 'federated_sign_in', action: 'reset_entra_password' });
    expect(changes()).toEqual([]);
    // The domain she signs in with (her userPrincipalName's), not her mail's, asked beside her roles.
    expect(entra().callsTo('GetDomain').map((c) => c.params)).toEqual([{ domain: 'corp.example', select: 'id,authenticationType' }]);
    expect(entra().callsTo('ListRoles').map((c) => c.params.userId)).toEqual(['e-fay']);
    // The person's account, not our fault: nobody is paged.
    expect(h.logs.join('')).not.toMatch(/"alert":true/);
  });

  it('an account in a managed domain is reset as before: its domain is asked once, beside its roles, and what it answered serves the next lookup in that domain', async () => {
    const { final } = await h.reset(COMMAND, 'ULEE');
    expect(secretIn(final)).toBe(entra().passwordOf('e-lee'));
    await h.waitForAudit('ULEE', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
    expect(entra().callsTo('GetDomain').map((c) => c.params)).toEqual([{ domain: 'branch.example', select: 'id,authenticationType' }]);
    const { view } = await h.open(COMMAND, 'ULEE');
    expect(view.submit?.text).toBe('Reset password');
    expect(entra().callsTo('GetDomain')).toHaveLength(1);
    expect(entra().callsTo('ListRoles')).toHaveLength(2);
  });

  it("a domain federated since it was asked is seen once what it answered is 10 minutes old, by the app's clock: before then the lookup is served from memory, after it (or once the clock is set back) the domain is asked again and the person refused", async () => {
    const { view } = await h.open(COMMAND, 'UUMA');
    expect(view.submit?.text).toBe('Reset password');
    entra().setDomain('south.example', 'Federated');
    try {
      h.clock.offsetMs = 9 * 60_000;
      expect((await h.open(COMMAND, 'UUMA')).view.submit?.text).toBe('Reset password');
      expect(entra().callsTo('GetDomain').map((c) => c.params.domain)).toEqual(['south.example']);
      h.clock.offsetMs = 10 * 60_000 + 1_000;
      const later = await h.open(COMMAND, 'UUMA');
      expect(later.view.submit).toBeUndefined();
      expect(JSON.stringify(later.view.blocks)).toContain("signs in through your organization's own sign-in service");
      expect(entra().callsTo('GetDomain').map((c) => c.params.domain)).toEqual(['south.example', 'south.example']);
      // A clock set back since: what was answered "later" is not taken as fresh for ten more minutes.
      h.clock.offsetMs = 0;
      expect((await h.open(COMMAND, 'UUMA')).view.submit).toBeUndefined();
      expect(entra().callsTo('GetDomain').map((c) => c.params.domain)).toEqual(['south.example', 'south.example', 'south.example']);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("without the Graph permission Domain.Read.All (403 Authorization_RequestDenied on the domain), resets go on as before the federation check: the password is shown, and an operator is alerted once, naming the permission and what it is for; Graph's refusal is remembered for 30 minutes by the app's clock, when no lookup asks for a domain, and past them a domain is asked again, so a permission granted since is used", async () => {
    const logged = h.logs.length;
    entra().setDomainReadGranted(false);
    const asked = () => entra().callsTo('GetDomain').map((c) => c.params.domain);
    try {
      const { final } = await h.reset(COMMAND, 'UNINA');
      expect(secretIn(final)).toEqual(expect.any(String));
      expect(secretIn(final)).toBe(entra().passwordOf('e-nina'));
      await h.waitForAudit('UNINA', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
      // A second reset, in another domain: the refusal is remembered, so its domain is not asked.
      const again = await h.reset(COMMAND, 'UOMAR');
      expect(secretIn(again.final)).toEqual(expect.any(String));
      expect(secretIn(again.final)).toBe(entra().passwordOf('e-omar'));
      await h.waitForAudit('UOMAR', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
      expect(asked()).toEqual(['east.example']);
      // 29 minutes on: still not asked.
      h.clock.offsetMs = 29 * 60_000;
      expect((await h.open(COMMAND, 'UOMAR')).view.submit?.text).toBe('Reset password');
      expect(asked()).toEqual(['east.example']);
      // 30 minutes on: asked again, refused again, and nobody alerted a second time.
      h.clock.offsetMs = 30 * 60_000 + 1_000;
      expect((await h.open(COMMAND, 'UOMAR')).view.submit?.text).toBe('Reset password');
      expect(asked()).toEqual(['east.example', 'west.example']);
      const alerts = h.logs.slice(logged).join('').split('\n').filter((line) => line.includes('"alert":true'));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatch(/Domain\.Read\.All/);
      expect(alerts[0]).toMatch(/federated/);
      expect(alerts[0]).toContain('entra:GetDomain 403: Authorization_RequestDenied');
      // Granted since, and his domain federated: 30 minutes past that refusal it is asked, and he is refused.
      entra().setDomainReadGranted(true);
      entra().setDomain('west.example', 'Federated');
      h.clock.offsetMs = 60 * 60_000 + 2_000;
      const granted = await h.open(COMMAND, 'UOMAR');
      expect(granted.view.submit).toBeUndefined();
      expect(JSON.stringify(granted.view.blocks)).toContain("signs in through your organization's own sign-in service");
      expect(asked()).toEqual(['east.example', 'west.example', 'west.example']);
    } finally {
      entra().setDomainReadGranted(true);
      entra().setDomain('west.example', 'Managed');
      h.clock.offsetMs = 0;
    }
  });

  it("the domain lookup not answering (Graph's 503) does not stop a reset: the password is shown, nobody is paged", async () => {
    const logged = h.logs.length;
    entra().failNext('GetDomain', { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable.' });
    const { final } = await h.reset(COMMAND, 'UPIA');
    expect(secretIn(final)).toEqual(expect.any(String));
    expect(secretIn(final)).toBe(entra().passwordOf('e-pia'));
    await h.waitForAudit('UPIA', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
    expect(entra().callsTo('GetDomain').map((c) => c.params.domain)).toEqual(['north.example']);
    const said = h.logs.slice(logged).join('');
    expect(said).not.toMatch(/"alert":true/);
    expect(said).toMatch(/entra:GetDomain 503/);
  });

  it('throttled once (429 with Retry-After): waits within the person\'s patience, then succeeds', async () => {
    entra().failNext('ListUsers', 'throttled');
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(view.submit?.text).toBe('Reset password');
    expect(entra().callsTo('ListUsers')).toHaveLength(2);
  });

  it('throttled past the person\'s patience: "busy, try again", and nothing changes', async () => {
    entra().failNext('ListUsers', 'throttled', 5);
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(JSON.stringify(view)).toContain('Microsoft 365 is busy and asked Latchkey to slow down. Nothing was changed.');
    expect(changes()).toEqual([]);
  });

  it('a token Graph no longer accepts (401) is replaced once, and the request goes on', async () => {
    await h.open(COMMAND, 'UMAX');
    const tokens = entra().callsTo('Token').length;
    entra().expireTokens();
    const { final } = await h.reset(COMMAND, 'UANN');
    expect(secretIn(final)).toBe(entra().passwordOf('e-ann'));
    await h.waitForAudit('UANN', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
    expect(entra().callsTo('Token')).toHaveLength(tokens + 1);
  });

  it("an account Graph protects from the app's reset though no role of it is listed (eligible for an admin role through PIM, a member or owner of a role-assignable group): Graph's 403 Authorization_RequestDenied on its password is a refusal in Entra's own words, saying to ask IT and that it is a protected account or Latchkey's setup (Graph answers an app without its role alike), shows nothing, pages nobody, and is audited with its reason", async () => {
    const logged = h.logs.length;
    const { view, final } = await h.reset(COMMAND, 'UPAT');
    // Offered: the role check lists no role for them, and only Graph's answer to the change says otherwise.
    expect(view.submit?.text).toBe('Reset password');
    expect(secretIn(final)).toBeUndefined();
    const said = JSON.stringify(final.blocks);
    expect(said).toContain('Microsoft would not let Latchkey reset your password. Nothing was changed.');
    // Not "you are protected": one person's refusal cannot tell their account from an app without its role.
    expect(said).toContain(
      "Ask IT to reset it, and give them the reference below. Microsoft refuses apps such as Latchkey the accounts it protects (as it protects accounts with admin rights), and every account while Latchkey's own setup is missing a permission: IT can tell which.",
    );
    expect(said).not.toContain('misconfigured');
    expect(said).not.toContain('An admin has been alerted');
    // Refused once, not taken for a password the tenant's rule refused and tried again; no sign-out after it.
    expect(changes().map((c) => [c.operation, c.params.userId])).toEqual([['SetPassword', 'e-pat']]);
    expect(entra().passwordOf('e-pat')).toBeUndefined();
    const records = await h.waitForAudit('UPAT', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome');
    expect(records.find((r) => r.phase === 'outcome')).toMatchObject({ outcome: 'failure', errorCode: 'DIRECTORY_USER_REFUSED', reason: 'protected_account', directoryUserId: 'e-pat' });
    // The person's account, not our fault: nobody is paged, and the warning keeps Graph's words for an operator.
    const lines = h.logs.slice(logged).join('');
    expect(lines).not.toMatch(/"alert":true/);
    expect(lines).toMatch(/"level":"?warn.*entra:SetPassword 403: Authorization_RequestDenied Insufficient privileges to complete the operation\./);
  });

  describe("Graph refusing the password alike for several different people (as it refuses everyone's to an app that lost its role)", () => {
    const alertLines = (from: number) => h.logs.slice(from).join('').split('\n').filter((line) => line.includes('"alert":true'));
    const ONE = 'Microsoft would not let Latchkey reset your password.';
    const SETUP = "Microsoft 365 is refusing Latchkey's resets for several people, not only you: most likely a problem with Latchkey's setup, not with your account. Nothing was changed.";
    /** What the person was told: one person's refusal, or several people's (likely the setup, an admin alerted). */
    const refused = async (userId: string): Promise<'one' | 'setup'> => {
      const { final } = await h.reset(COMMAND, userId);
      const said = JSON.stringify(final.blocks);
      // Audited as Graph answered, whatever the person is told.
      await h.waitForAudit(userId, (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_USER_REFUSED' && r.reason === 'protected_account');
      if (said.includes(SETUP)) {
        expect(said).toContain('An admin has been alerted. Run `/reset-entra-password` again later, or ask IT to reset it for you.');
        expect(said).not.toContain(ONE);
        return 'setup';
      }
      expect(said).toContain(ONE);
      return 'one';
    };
    // Over an hour on from any refusal an earlier test made, so that only this test's count.
    beforeEach(() => void (h.clock.offsetMs += 2 * 60 * 60_000));
    afterAll(() => void (h.clock.offsetMs = 0));

    it('one person refused again and again pages nobody: only different people count', async () => {
      const logged = h.logs.length;
      for (let i = 0; i < 3; i++) expect(await refused('URAE')).toBe('one');
      expect(changes().map((c) => c.params.userId)).toEqual(['e-rae', 'e-rae', 'e-rae']);
      expect(alertLines(logged)).toEqual([]);
    });

    it("two different people refused page nobody and are each told it is their account or the setup; the third pages the on-call once, saying every Entra reset is refused and that the app's role or permission is likely missing, and from the third on each person is told it is likely Latchkey's setup and an admin was alerted; more refusals within the hour, not again", async () => {
      const logged = h.logs.length;
      expect(await refused('URAE')).toBe('one');
      expect(await refused('USOL')).toBe('one');
      expect(alertLines(logged)).toEqual([]);
      expect(await refused('UTIA')).toBe('setup');
      const [line, ...more] = alertLines(logged);
      expect(more).toEqual([]);
      expect(line).toContain('the same refusal for several different people, and no success between: likely our setup, not their accounts.');
      expect(line).toContain('Every Entra password reset is being refused');
      expect(line).toMatch(/User Administrator.*Privileged Authentication Administrator.*User-PasswordProfile\.ReadWrite\.All/);
      expect(JSON.parse(line!)).toMatchObject({ level: 'error', kind: 'entra_password', reason: 'protected_account', people: 3 });
      expect(line).not.toContain(entra().clientSecret);
      // Said once for the hour, however many more are refused; each of them told it is likely the setup, someone new or not.
      expect(await refused('UPAT')).toBe('setup');
      expect(await refused('URAE')).toBe('setup');
      expect(alertLines(logged)).toHaveLength(1);
    });
  });

  it("the role lookup refused (403 Authorization_RequestDenied on transitiveMemberOf): the app's own permission is missing, so Latchkey says it is misconfigured, alerts, and changes nothing", async () => {
    const logged = h.logs.length;
    entra().failNext('ListRoles', { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view)).toContain('Latchkey is misconfigured.');
    expect(h.logs.slice(logged).join('')).toMatch(/entra:ListRoles 403: Authorization_RequestDenied.*"alert":true/);
    expect(changes()).toEqual([]);
  });

  it('a 503 from Graph (it did not take the request on) is "not answering, nothing was changed", in the name the person knows (Microsoft 365), and is audited; the audit search names the directory, Microsoft Entra ID', async () => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => entra().failNext('SetPassword', { status: 503, code: 'serviceNotAvailable', message: 'Service unavailable' }) });
    expect(JSON.stringify(final)).toContain('Microsoft 365 is not answering right now. Nothing was changed.');
    expect(JSON.stringify(final)).not.toContain('Entra');
    const [outcome] = (await h.waitForAudit('UMAX', (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_UNAVAILABLE')).filter((r) => r.errorCode === 'DIRECTORY_UNAVAILABLE');
    expect(await h.lookUpReference('UADA', outcome!.requestId)).toEqual([expect.stringContaining('Microsoft Entra ID user `e-max`')]);
  });

  it.each([
    [500, 'generalException', 'An internal server error occurred'],
    [502, 'badGateway', 'Bad Gateway'],
    [504, 'gatewayTimeout', 'Gateway Timeout'],
  ])('the password set answered %i: Entra may have set it, so it is sent once and the person is never told nothing was changed', async (status, code, message) => {
    await expectUnconfirmedChange(h, {
      command: COMMAND,
      userId: 'UMAX',
      standIn: entra(),
      operation: 'SetPassword',
      fail: () => entra().failNext('SetPassword', { status, code, message }),
      told: 'Microsoft 365 did not confirm the reset, so Latchkey cannot tell whether your Microsoft 365 password was reset.',
    });
  });

  it("a generated password the tenant's own rule refuses is replaced once by a fresh one", async () => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => entra().failNext('SetPassword', { status: 400, code: 'Request_BadRequest', message: 'The specified password does not comply with password complexity requirements. Please provide a different password.' }) });
    expect(secretIn(final)).toBe(entra().passwordOf('e-max'));
    expect(entra().callsTo('SetPassword')).toHaveLength(2);
    await h.waitForAudit('UMAX', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.outcome === 'success');
  });

  it("a second password that could no longer be set within the change's declared time (a token and the password, 14 s) is not sent: after a token Graph no longer accepts and a refused password, each answered in 2.5 s, the person is told nothing was changed", async () => {
    const before = entra().passwordOf('e-max');
    const { final } = await h.reset(COMMAND, 'UMAX', {
      beforeSubmit: () => {
        entra().expireTokens();
        entra().failNext('SetPassword', { status: 400, code: 'Request_BadRequest', message: 'The specified password does not comply with password complexity requirements. Please provide a different password.' });
        entra().setLatency(2_500);
      },
      timeoutMs: 20_000,
    });
    // The 401 (not recorded by Graph's stand-in), a fresh token, the refused password: 7.5 s, and another 7 s would end past the 14 s.
    expect(entra().callsTo('SetPassword')).toHaveLength(1);
    expect(entra().passwordOf('e-max')).toBe(before);
    expect(JSON.stringify(final)).toContain('Microsoft 365 is not answering right now. Nothing was changed.');
    await h.waitForAudit('UMAX', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome' && r.errorCode === 'DIRECTORY_UNAVAILABLE');
  }, 30_000);

  it('signing out fails after the password was set: the password is still shown, the outcome is audited as partial, and an operator is alerted', async () => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => entra().failNext('RevokeSessions', { status: 503, code: 'serviceNotAvailable', message: 'Service unavailable' }) });
    const password = secretIn(final);
    expect(password).toBe(entra().passwordOf('e-max'));
    const records = await h.waitForAudit('UMAX', (r) => r.phase === 'outcome' && r.outcome === 'partial');
    expect(records.filter((r) => r.outcome === 'partial')).toEqual([
      expect.objectContaining({ action: 'reset_entra_password', directoryUserId: 'e-max', incomplete: 'revokeSignInSessions:DIRECTORY_UNAVAILABLE' }),
    ]);
    expect(h.logs.join('')).toMatch(/"alert":true[^\n]*reset done, but a step after the change failed|reset done, but a step after the change failed[^\n]*"alert":true/);
    expect(h.logs.join('')).not.toContain(password);
    // The receipt says so too (an earlier test's receipt may still arrive: wait for this one).
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => String(c.args.text).includes('did not finish'));
    expect(dm.args.text).toMatch(/^Your Microsoft 365 password was reset at .* A step after the reset did not finish; an admin has been alerted\.$/);
  });

  it('a slow sign-out does not keep the person from their new password: it is shown while Graph has not yet answered revokeSignInSessions, and the sign-out follows', async () => {
    let release: (() => void) | undefined;
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => (release = entra().hold(['RevokeSessions'])) });
    // This reset's records (UMAX has earlier ones): the last attempt's request.
    const ofThisReset = async () => {
      const records = (await h.auditRecords('UMAX')).filter((r) => r.action === 'reset_entra_password');
      const requestId = records.filter((r) => r.phase === 'attempt').at(-1)!.requestId;
      return records.filter((r) => r.requestId === requestId).map((r) => [r.phase, r.outcome, r.incomplete]);
    };
    try {
      expect(secretIn(final)).toBe(entra().passwordOf('e-max'));
      expect(JSON.stringify(final)).toContain('Your other sessions are being signed out.');
      // The sign-out follows, and the password was shown before Graph answered it: the reset's outcome is not on record yet.
      await until("Graph's RevokeSessions call", () => entra().callsTo('RevokeSessions').length > 0);
      expect(entra().callsTo('RevokeSessions').map((c) => c.params.userId)).toEqual(['e-max']);
      expect(await ofThisReset()).toEqual([['attempt', undefined, undefined]]);
    } finally {
      release!();
    }
    for (let tries = 0; (await ofThisReset()).length < 2 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 25));
    expect(await ofThisReset()).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
  });

  it('no answer within the request timeout to the lookup, before any change: Microsoft 365 is "not answering", and nothing was changed', async () => {
    const release = entra().hold(['ListUsers']);
    const { view } = await h.open(COMMAND, 'UMAX', { timeoutMs: 10_000 }).finally(release);
    expect(JSON.stringify(view)).toContain('Microsoft 365 is not answering right now. Nothing was changed.');
    expect(changes()).toEqual([]);
  }, 15_000);

  it('the password set not answered within the request timeout: Entra may have set it, so the person is never told nothing was changed', async () => {
    await expectUnansweredChange(h, { command: COMMAND, userId: 'UMAX', standIn: entra(), operation: 'SetPassword', told: 'Microsoft 365 did not confirm the reset, so Latchkey cannot tell whether your Microsoft 365 password was reset.' });
  }, 30_000);

  it('a client secret rotated in Entra: the token is refused (invalid_client), Latchkey says it is misconfigured and alerts, and never logs either secret', async () => {
    const old = entra().clientSecret;
    await h.open(COMMAND, 'UMAX');
    const rotated = entra().rotateSecret();
    const { view } = await h.open(COMMAND, 'UANN');
    expect(JSON.stringify(view)).toContain('Latchkey is misconfigured.');
    expect(h.logs.join('')).toMatch(/entra:Token 401: invalid_client AADSTS7000215","alert":true/);
    for (const secret of [old, rotated]) expect(h.logs.join('')).not.toContain(secret);
    expect(changes()).toEqual([]);
  });
});

describe('/reset-entra-password where Entra is not set up', () => {
  const h = useHarness({ without: ['entra_password'] });

  it('answers "not enabled here" privately and opens nothing', async () => {
    const res = await h.command(COMMAND, 'UANN');
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Microsoft 365 password resets are not enabled in this workspace. Ask IT how to reset it.' });
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });
});

describe('/reset-entra-password under the approval policy: what the reviewing admin is shown of the account', () => {
  const REVIEWED: EntraSimUser[] = [
    {
      id: 'e-max',
      mail: 'max@example.com',
      onPremisesSyncEnabled: true,
      createdDateTime: '2024-03-04T10:00:00Z',
      lastPasswordChangeDateTime: '2026-10-12T16:20:00Z',
      lastSignIn: '2026-11-29T07:45:00Z',
      mobilePhone: '+1 415 555 0199',
      businessPhones: ['+1 415 555 0142'],
    },
    // An older account: Graph gives null for when it was made and when its password changed.
    { id: 'e-ann', mail: 'ann@example.com', createdDateTime: null, lastPasswordChangeDateTime: null },
    { id: 'e-bob', mail: 'bob@example.com', createdDateTime: null, lastPasswordChangeDateTime: null },
    { id: 'e-carl', mail: 'carl@example.com', lastSignIn: '2026-12-01T06:30:00Z' },
    // Deleted from Entra after they ask.
    { id: 'e-gone', mail: 'nochime@example.com' },
  ];
  const h = useHarness({ accounts: { entra_password: REVIEWED }, env: { RESET_POLICY: 'entra_password=approval,okta_password=self-service' } }, (x) => {
    x.slack.clear();
    entra(x).clear();
    entra(x).setSignInActivity('readable');
  });
  const entra = (x: Harness = h) => x.standIns.get('entra_password') as EntraSimulator;
  const date = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

  it("the admin's review says what Entra knows of the account (enabled, member, synced, password change, last sign-in, creation), read by its ID, never a phone number", async () => {
    const request = await h.asksForReset(COMMAND, 'UMAX');
    entra().clear();
    const review = await h.opensReview('UADA', request);
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('*What Microsoft Entra ID says of this account*');
    expect(text).toContain('Status: enabled (can sign in)');
    expect(text).toContain('Account type: member');
    expect(text).toContain('Synced from on-premises Active Directory: yes');
    expect(text).toContain(`Password last changed: ${date('2026-10-12T16:20:00Z')}`);
    expect(text).toContain(`Last sign-in: ${date('2026-11-29T07:45:00Z')}`);
    expect(text).toContain(`Account created: ${date('2024-03-04T10:00:00Z')}`);
    for (const detail of ['0199', '0142']) expect(JSON.stringify(review.view)).not.toContain(detail);
    // Read, never changed: the user the request was filed for, by its ID; the sign-in apart, as Graph may refuse it alone.
    expect(entra().calls.map((c) => [c.operation, c.params.userId, c.params.select]).filter(([operation]) => operation !== 'Token').sort()).toEqual([
      ['GetSignInActivity', 'e-max', 'signInActivity'],
      ['GetUser', 'e-max', 'accountEnabled,userType,onPremisesSyncEnabled,lastPasswordChangeDateTime,createdDateTime'],
    ]);
    expect(review.view.submit.text).toBe('Submit decision');
  });

  it.each([
    ['without the permission AuditLog.Read.All', 'no-permission', 'UANN', 'e-ann'],
    ['in a tenant without Entra ID P1', 'no-license', 'UBOB', 'e-bob'],
  ] as const)('a fact Graph does not give is left out, never shown as "undefined": no creation or password-change time, and %s no last sign-in, quietly', async (_, access, requester, id) => {
    // Past what an earlier refusal left remembered (REFUSAL_KEPT_MS), so this one is asked.
    h.clock.offsetMs += 30 * 60_000 + 1_000;
    entra().setSignInActivity(access);
    const request = await h.asksForReset(COMMAND, requester);
    const review = await h.opensReview('UADA', request);
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('*What Microsoft Entra ID says of this account*');
    expect(text).toContain('Status: enabled (can sign in)');
    expect(text).toContain('Synced from on-premises Active Directory: no (a cloud account)');
    for (const missing of ['Password last changed', 'Last sign-in', 'Account created', 'undefined', 'null', 'Invalid', 'could not ask']) expect(text).not.toContain(missing);
    expect(entra().callsTo('GetSignInActivity').map((c) => c.params.userId)).toEqual([id]);
    // Nobody is paged for a permission or a license the deployment chose not to have.
    expect(h.logs.join('')).not.toMatch(/"alert":true/);
    expect(review.view.submit.text).toBe('Submit decision');
  });
  it("without AuditLog.Read.All, Graph's refusal of the last sign-in is remembered for 30 minutes by the app's clock: reviews within them do not ask for it again; past them it is asked, and a permission granted since shows the last sign-in", async () => {
    // Past what an earlier test's refusal left remembered.
    const start = (h.clock.offsetMs += 30 * 60_000 + 1_000);
    entra().setSignInActivity('no-permission');
    const request = await h.asksForReset(COMMAND, 'UCARL');
    const reviewAfter = async (ms: number) => {
      h.clock.offsetMs = start + ms;
      return JSON.stringify((await h.opensReview('UADA', request)).view.blocks);
    };
    const asked = (operation: string) => entra().callsTo(operation).map((c) => c.params.userId);
    expect(await reviewAfter(0)).not.toContain('Last sign-in');
    expect(asked('GetSignInActivity')).toEqual(['e-carl']);
    // Granted meanwhile, but the refusal is 29 minutes old: not asked, the rest read as ever.
    entra().setSignInActivity('readable');
    for (const ms of [60_000, 29 * 60_000]) expect(await reviewAfter(ms)).toContain('Status: enabled (can sign in)');
    expect(asked('GetSignInActivity')).toEqual(['e-carl']);
    expect(asked('GetUser')).toEqual(['e-carl', 'e-carl', 'e-carl']);
    // 30 minutes on: asked again, and shown.
    expect(await reviewAfter(30 * 60_000 + 1_000)).toContain(`Last sign-in: ${date('2026-12-01T06:30:00Z')}`);
    expect(asked('GetSignInActivity')).toEqual(['e-carl', 'e-carl']);
  });

  it("the account was deleted from Entra after they asked: the review says so, and the last sign-in's 404 beside it logs no warning", async () => {
    h.clock.offsetMs += 30 * 60_000 + 1_000;
    const request = await h.asksForReset(COMMAND, 'UNOCHIME');
    entra().users.delete('e-gone');
    const logged = h.logs.length;
    const review = await h.opensReview('UADA', request);
    expect(JSON.stringify(review.view.blocks)).toContain('Microsoft Entra ID no longer has their');
    // Both reads were made, and both answered 404: an answer, not a fault.
    expect(entra().callsTo('GetSignInActivity').map((c) => c.params.userId)).toContain('e-gone');
    const lines = h.logs.slice(logged).join('');
    expect(lines).toContain('reviewed account no longer in the directory');
    expect(lines).not.toMatch(/"alert":true|"level":"(warn|error)"|"level":(40|50)/);
  });
});

describe('/reset-entra-password: a refusal counted for several people (the shared count in DynamoDB)', () => {
  const h = useHarness({ slackUsers: SLACK_PEOPLE, accounts: { entra_password: ENTRA_PEOPLE }, dynamoGate: true });
  const countWrite = (call: { body: string }) => call.body.includes('widespread:entra_password');

  it("is written beside the outcome's record, not before it: with the shared count's write waiting on DynamoDB, the refusal is already on record, and the person is answered once the count is in", async () => {
    const release = h.dynamoGate.delay(countWrite);
    let answered: Promise<{ final: Record<string, any> }> | undefined;
    try {
      answered = h.reset(COMMAND, 'UPAT');
      // The count's first write has reached DynamoDB, and its answer waits.
      // The command, its modal, the submission, the look-up and Graph's refusal first: 20 s, as a loaded machine may take.
      for (const deadline = Date.now() + 20_000; !h.dynamoGate.delayed.some(countWrite) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
      expect(h.dynamoGate.delayed.some(countWrite)).toBe(true);
      // Well within the count's own bound: written one after the other, the record followed only once
      // the count gave up, after four tries of the SDK's request timeout (5 s each, about 20 s).
      await h.waitForAudit('UPAT', (r) => r.phase === 'outcome' && r.reason === 'protected_account', 10_000);
    } finally {
      release();
    }
    const { final } = await answered;
    expect(JSON.stringify(final.blocks)).toContain('Microsoft would not let Latchkey reset your password.');
  }, 60_000);
});
