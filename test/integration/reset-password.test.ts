import { useHarness, secretIn, TEAM } from '../support/harness';

/** /reset-password end to end: the same flow as the PIN, with the WorkMail JSON-1.1 simulator. */
describe('/reset-password', () => {
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.workmail.clear();
  });

  it('sets a strong password in WorkMail and shows that same password to the requester alone', async () => {
    const { view, final } = await h.reset('/reset-password', 'UANN');
    expect(view.submit.text).toBe('Reset password');
    expect(JSON.stringify(view.blocks)).toContain('Mail apps on your phone and computer will ask for the new password');

    const password = secretIn(final)!;
    expect(password).toBe(h.workmail.passwordOf('wm-ann'));
    expect(password).toHaveLength(20);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[2-9]/);
    expect(password).not.toMatch(/[0O1lI]/);
    expect(JSON.stringify(final)).toContain('does not store it');

    // Only the exact address: anna@example.com shares the prefix and is left alone.
    expect(h.workmail.callsTo('ResetPassword').map((c) => c.params.UserId)).toEqual(['wm-ann']);
    expect(h.workmail.passwordOf('wm-anna')).toBeUndefined();

    const dm = await h.slack.waitForCall('chat.postMessage');
    expect(dm.args.text).toMatch(/Amazon WorkMail password was reset at .* If this wasn't you, contact IT\./);

    const records = await h.waitForAudit('UANN', (r) => r.action === 'reset_password' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_password').map((r) => [r.phase, r.outcome, r.directory, r.directoryUserId, r.slackTeamId])).toEqual([
      ['attempt', undefined, 'workmail', 'wm-ann', TEAM],
      ['outcome', 'success', 'workmail', 'wm-ann', TEAM],
    ]);

    const secretViews = (c: { method: string; args: any }) =>
      c.method === 'views.update' && c.args.view?.blocks?.some((b: any) => b.block_id === 'secret');
    for (const place of [
      JSON.stringify(h.slack.calls.filter((c) => !secretViews(c))),
      h.logs.join(''),
      await h.rawAuditTable(),
      JSON.stringify(h.workmail.calls),
    ]) {
      expect(place).not.toContain(password);
    }
  });

  it.each([
    ['a disabled mailbox', 'UBOB', 'Your mailbox is disabled.'],
    ['a resource mailbox', 'UROOM', 'is a shared, resource or system account in Amazon WorkMail'],
    ['an email unknown to WorkMail', 'UNOCHIME', "Latchkey cannot find your mailbox: no mailbox has your Slack email *nochime@example.com* as its main email address."],
  ])('refuses %s with a clear message and resets nothing', async (_what, userId, message) => {
    const { view } = await h.open('/reset-password', userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain(message);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
  });

  it('a password WorkMail rejects is replaced by a fresh one once', async () => {
    const { final } = await h.reset('/reset-password', 'UCARL', { beforeSubmit: () => h.workmail.failNext('ResetPassword', 'InvalidPasswordException', 1) });
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-carl'));
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(2);
  });

  it.each([
    ['InvalidPasswordException', 2, 'Amazon WorkMail refused the change.', 'DIRECTORY_REJECTED'],
    ['EntityNotFoundException', 1, 'no mailbox has your Slack email', 'DIRECTORY_USER_NOT_FOUND'],
    ['EntityStateException', 1, 'Your mailbox is disabled.', 'DIRECTORY_USER_DISABLED'],
    ['OrganizationNotFoundException', 1, 'Latchkey is misconfigured.', 'DIRECTORY_MISCONFIGURED'],
    ['OrganizationStateException', 1, 'Latchkey is misconfigured.', 'DIRECTORY_MISCONFIGURED'],
    ['DirectoryServiceAuthenticationFailedException', 1, 'Latchkey is misconfigured.', 'DIRECTORY_MISCONFIGURED'],
    ['DirectoryUnavailableException', 1, 'Amazon WorkMail is not answering right now.', 'DIRECTORY_UNAVAILABLE'],
    ['UnsupportedOperationException', 1, 'those are never reset by self-service', 'DIRECTORY_USER_NOT_A_PERSON'],
    ['InvalidParameterException', 1, 'Amazon WorkMail refused the change.', 'DIRECTORY_REJECTED'],
    ['LimitExceededException', 5, 'Amazon WorkMail is busy and asked Latchkey to slow down.', 'DIRECTORY_THROTTLED'],
    ['ThrottlingException', 5, 'Amazon WorkMail is busy and asked Latchkey to slow down.', 'DIRECTORY_THROTTLED'],
  ] as const)('WorkMail %s: a clear message, a failure outcome, no password shown', async (code, times, message, auditCode) => {
    const { final } = await h.reset('/reset-password', 'UCARL', { beforeSubmit: () => h.workmail.failNext('ResetPassword', code, times) });
    expect(JSON.stringify(final)).toContain(message);
    expect(secretIn(final)).toBeUndefined();
    await h.waitForAudit('UCARL', (r) => r.phase === 'outcome' && r.errorCode === auditCode);
  });
});
