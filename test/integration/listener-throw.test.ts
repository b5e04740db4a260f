import { ResetCredential } from '../../src/flows/reset-credential';
import { SIGNING_SECRET, useHarness, type Harness } from '../support/harness';

/**
 * A bug of ours: a listener that throws an unexpected Error (not a LatchkeyFailure) once Slack's
 * signature was accepted and the command acknowledged. The on-call is paged (one `alert: true`
 * line, with no secret in it) and the person is told in words instead of being left at
 * "checking…", on the server and on Lambda alike. Slack's own failures are not an alert.
 * Before the fix the throw was logged at error without `alert`, and the modal never moved on.
 */
const BUG = 'TypeError: Cannot read properties of undefined (reading kind)';

function logLines(h: Harness, from = 0): Record<string, unknown>[] {
  return h.logs
    .slice(from)
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.each(['server', 'lambda'] as const)('a listener that throws after the acknowledgement (%s)', (entry) => {
  const h = useHarness({ entry }, (x) => x.slack.clear());

  it('alerts once, with no secret, and tells the person in the modal that nothing was changed', async () => {
    const from = h.logs.length;
    const prepare = jest.spyOn(ResetCredential.prototype, 'prepare').mockRejectedValue(new Error(BUG));
    try {
      const triggerId = h.slack.newTriggerId();
      const ack = await h.command('/reset-pin', 'UANN', { triggerId });
      expect(ack.status).toBe(200);
      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
      const view = await h.viewUpdate(h.openedViewId(opened));
      expect(JSON.stringify(view)).toContain('Something went wrong, nothing was changed. Run the command again.');
    } finally {
      prepare.mockRestore();
    }
    await h.waitForLogs(BUG, 1);
    const alerts = logLines(h, from).filter((l) => l.alert === true);
    expect(alerts).toEqual([expect.objectContaining({ level: 'error', err: expect.stringContaining(BUG) })]);
    const said = JSON.stringify(alerts);
    for (const secret of [SIGNING_SECRET, h.slack.botToken, ...h.allSecrets()]) expect(said).not.toContain(secret);
  });
});

describe('Slack refusing the token on Lambda (its AuthorizationError)', () => {
  const h = useHarness({ entry: 'lambda' }, (x) => x.slack.clear());

  it('is no alert', async () => {
    const from = h.logs.length;
    h.slack.failNext('auth.test', { error: 'invalid_auth' }, 5);
    await h.command('/reset-pin', 'UANN');
    await h.waitForLogs('Authorization of incoming event did not succeed', 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(logLines(h, from).filter((l) => l.alert === true)).toEqual([]);
  });
});
