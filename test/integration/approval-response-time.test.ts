import { APPROVALS_CHANNEL, useHarness } from '../support/harness';

/**
 * APPROVAL_RESPONSE_TIME: the requester of anything an admin must approve is told, in the DM that
 * says it was sent, how soon IT usually answers; every kind the same (a license change, a reset
 * under the `approval` policy).
 */
describe('APPROVAL_RESPONSE_TIME', () => {
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval', APPROVAL_RESPONSE_TIME: '4 working hours' } }, (x) => x.slack.clear());
  const LINE = 'IT usually answers within 4 working hours.';

  it('the DM that says a license change or a reset was sent for approval says how soon IT usually answers; the admins are not told it', async () => {
    await h.asksForLicense('UANN');
    const license = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('was sent to the admins'));
    expect(JSON.stringify(license.args.blocks)).toContain(LINE);

    const opened = await h.open('/reset-pin', 'UBOB');
    await h.submit('UBOB', opened.view);
    const reset = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('was sent to the admins'));
    expect(JSON.stringify(reset.args.blocks)).toContain(LINE);

    const channel = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === APPROVALS_CHANNEL);
    expect(channel).toHaveLength(2);
    expect(JSON.stringify(channel)).not.toContain('usually answers');
  });
});
