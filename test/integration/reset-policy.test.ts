import { APPROVALS_CHANNEL, useHarness } from '../support/harness';

/** RESET_POLICY over HTTP against the real app: the policy a credential gets decides what the Reset click does. */
describe('RESET_POLICY: approval', () => {
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('the Reset click changes nothing: it says an admin must approve, and the request is with the admins (reset-approval.test.ts has the rest)', async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    const submission = await h.submit('UANN', opened.view);
    const answered = submission.json?.view as Record<string, any> | undefined;
    const final = answered && JSON.stringify(answered).includes('approval') ? answered : await h.viewUpdate(opened.viewId, 2);
    const text = JSON.stringify(final.blocks);
    expect(text).toContain("needs an admin's approval");
    expect(text).toContain('Nothing has changed yet.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UANN>'));
  });

  it('a credential the policy does not name keeps its default: the mail password is still self-service', async () => {
    const { final } = await h.reset('/reset-password', 'UANN');
    expect(final.title.text).toMatch(/Your new/);
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(1);
  });
});
