import { useHarness } from '../support/harness';

/** RESET_POLICY over HTTP against the real app: the policy a credential gets decides what the Reset click does. */
describe('RESET_POLICY: approval, before the approvals capability serves it', () => {
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('the Reset click changes nothing and says an admin must approve, and that IT can help', async () => {
    const { final } = await h.reset('/reset-pin', 'UANN');
    const text = JSON.stringify(final.blocks);
    expect(text).toContain("needs an admin's approval");
    expect(text).toContain('Nothing was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it('a credential the policy does not name keeps its default: the mail password is still self-service', async () => {
    const { final } = await h.reset('/reset-password', 'UANN');
    expect(final.title.text).toMatch(/Your new/);
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(1);
  });
});
