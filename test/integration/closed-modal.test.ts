import { ANSWER_HOLD_MS } from '../../src/slack/held-answer';
import type { GoogleSimulator } from '../../src/credentials/google/stand-in';
import type { SlackCall } from '../support/slack-fake';
import { answeredAt, type Harness, isProgress, secretIn, useHarness } from '../support/harness';
import { until } from '../support/until';

/** An update of the requester's own window: where a secret slower than the click's answer is shown, after its "working…". */
const ownWindow = (c: SlackCall, viewId: string) => c.method === 'views.update' && c.args.view_id === viewId;

/**
 * `userId`'s reset has ended: its "credential reset" line is the last thing it does, after every
 * message it sends. A check that the PIN went aside once is made after this, or a second message
 * still on its way would pass unseen.
 */
const resetEnded = (h: Harness, userId: string) =>
  until(`the end of ${userId}'s reset (its "credential reset" line)`, () => h.logs.some((l) => l.includes('"msg":"credential reset"') && l.includes(`"slackUserId":"${userId}"`)));

/**
 * The person clicks Reset, and their modal closes while the reset runs (they closed it, or Slack
 * did): the change is made, and the modal that should show the new secret is gone. The secret
 * must still reach them, privately, or they are locked out harder than before.
 */
describe('a reset whose modal is closed while it runs', () => {
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.chime.clear();
    x.chime.setLatency(0);
  });

  /** Everything Slack, the logs and DynamoDB were given, but for the calls `shownIn` picks. */
  const elsewhere = async (shownIn: (c: SlackCall) => boolean) => [JSON.stringify(h.slack.calls.filter((c) => !shownIn(c))), h.logs.join(''), await h.rawAuditTable()];
  const ephemeralsTo = (userId: string) => h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === userId);

  it('shows the new PIN once in an ephemeral message to the requester alone, saying why, and nowhere else', async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    // Slower than the answer may wait: the PIN goes by views.update, which meets the closed modal.
    h.chime.setLatency(ANSWER_HOLD_MS + 100);
    const release = h.slack.hold('views.update', (args) => args.view_id === opened.viewId);
    const submitted = await h.submit('UANN', opened.view);
    expect(isProgress(submitted.json.view)).toBe(true);
    await until('the held views.update of the PIN', () => h.slack.held.length > 0);
    h.slack.closeView(opened.viewId);
    release();

    const pin = h.chime.pinOf('chime-ann');
    expect(pin).toMatch(/^\d{10}$/);
    // The PIN's views.update met the closed modal (the confirmation's came before it).
    const refused = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === false);
    expect(refused.result).toEqual({ ok: false, error: 'not_found' });
    expect(JSON.stringify(refused.args.view)).toContain(pin);

    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN');
    expect(shown.args.channel).toBe('DUANN');
    expect(shown.result?.ok).toBe(true);
    const said = JSON.stringify(shown.args.blocks);
    expect(said).toContain(pin);
    expect(said).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    expect(said).toContain('Shown once, only to you');
    // The notification text, which a locked phone may show, never holds it.
    expect(shown.args.text).not.toContain(pin);
    await resetEnded(h, 'UANN');
    expect(ephemeralsTo('UANN')).toHaveLength(1);

    // The receipt says where the PIN went, without it.
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN');
    expect(dm.args.text).toContain('so Latchkey showed you the new one in a message here, once, visible only to you');
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    expect(records.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'success' });
    expect(records.at(-1)?.deliveryFailed).toBeUndefined();

    for (const place of await elsewhere((c) => c === shown || c === refused)) expect(place).not.toContain(pin);
  });

  it('closed while a quick reset runs (its answer would replace a modal that is gone): the new PIN comes in an ephemeral message instead, and nowhere else', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    const release = h.chime.hold(['ResetPersonalPIN']);
    const submitting = h.submit('UCARL', opened.view);
    await until("Chime's ResetPersonalPIN call", () => h.chime.callsTo('ResetPersonalPIN').length > 0);
    // The person closes the confirmation while Chime works: Slack forgets it and says so (notify_on_close).
    h.slack.closeView(opened.viewId);
    expect((await h.close('UCARL', opened.view)).status).toBe(200);
    await h.waitForLogs('confirmation closed', 1);
    release();
    const submission = await submitting;

    const pin = h.chime.pinOf('chime-carl');
    expect(pin).toMatch(/^\d{10}$/);
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UCARL');
    expect(shown.args.channel).toBe('DUCARL');
    expect(JSON.stringify(shown.args.blocks)).toContain(pin);
    expect(JSON.stringify(shown.args.blocks)).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    await resetEnded(h, 'UCARL');
    expect(ephemeralsTo('UCARL')).toHaveLength(1);
    // Not in the answer to the click, which would only have replaced the closed modal.
    expect(JSON.stringify(submission.json ?? {})).not.toContain(pin);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL');
    expect(dm.args.text).toContain('so Latchkey showed you the new one in a message here, once, visible only to you');
    const records = await h.waitForAudit('UCARL', (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    for (const place of await elsewhere((c) => c === shown)) expect(place).not.toContain(pin);
  });

  it('when Slack will not update a window that is still open (an error, not a close), the PIN comes aside with words that do not say it was closed', async () => {
    const opened = await h.open('/reset-pin', 'UMAX');
    h.chime.setLatency(ANSWER_HOLD_MS + 100);
    h.slack.failNext('views.update', { error: 'internal_error' });
    await h.submit('UMAX', opened.view);

    const pin = h.chime.pinOf('chime-max');
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX');
    const said = JSON.stringify(shown.args.blocks);
    expect(said).toContain(pin);
    expect(said).toContain('Your new Amazon Chime meeting PIN could not be shown in your Latchkey window, so here it is.');
    expect(said).not.toContain('closed');
    expect(shown.args.text).toBe('Your new Amazon Chime meeting PIN could not be shown in your Latchkey window, so here it is. It is shown once, only to you, in this message.');
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUMAX');
    expect(dm.args.text).toContain('but the new one could not be shown in its Latchkey window, so Latchkey showed you the new one in a message here, once, visible only to you');
    expect(dm.args.text).not.toContain('closed');
  });

  it('when no ephemeral message can reach them either, the receipt says the PIN was not shown and the audit records it, without the PIN', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    h.chime.setLatency(ANSWER_HOLD_MS + 100);
    const release = h.slack.hold('views.update', (args) => args.view_id === opened.viewId);
    h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3);
    await h.submit('UBOB', opened.view);
    await until('the held views.update of the PIN', () => h.slack.held.length > 0);
    h.slack.closeView(opened.viewId);
    release();

    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB');
    expect(dm.args.text).toContain('but Latchkey could not show you the new one. Run `/reset-pin` again to get a new one.');
    const records = await h.waitForAudit('UBOB', (r) => r.phase === 'outcome');
    expect(records.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'success', deliveryFailed: true });
    expect(ephemeralsTo('UBOB').every((c) => c.result?.ok === false)).toBe(true);

    const pin = h.chime.pinOf('chime-bob');
    expect(pin).toMatch(/^\d{10}$/);
    // Only the calls that tried to show it to Bob himself (and failed) carried it.
    for (const place of await elsewhere((c) => (c.method === 'views.update' && c.args.view_id === opened.viewId) || (c.method === 'chat.postEphemeral' && c.args.user === 'UBOB'))) {
      expect(place).not.toContain(pin);
    }
  });
});

describe('a reset whose confirmation close arrives after its answer went out, while its follow-up runs', () => {
  // Google's admin, whom Latchkey acts as, is one of its users.
  const h = useHarness({ accounts: { google_password: [{ id: 'g-ann', primaryEmail: 'ann@example.com' }, { id: 'g-it', primaryEmail: 'it-admin@example.com', isAdmin: true }] } });
  const google = () => h.standIns.get('google_password') as GoogleSimulator;

  it('the answer replaced nothing (Slack had not shown it when the person closed the confirmation): the password comes in an ephemeral message too', async () => {
    const opened = await h.open('/reset-google-password', 'UANN');
    const release = google().hold(['SignOut']);
    const submission = await answeredAt(h.submit('UANN', opened.view));
    // Its follow-up under way: the password is set and shown by then.
    await until("Google's SignOut call", () => google().callsTo('SignOut').length > 0);
    const password = google().passwordOf('g-ann')!;
    // The answer carried the password, to a modal the person had closed meanwhile: Slack tells of the close.
    // (Slower than the answer may be held, on a loaded machine: the update after its "working…".)
    expect(secretIn(h.lastShown(opened.viewId, [submission])!)).toBe(password);
    h.slack.closeView(opened.viewId);
    await h.close('UANN', opened.view);
    await h.waitForLogs('confirmation closed', 1);
    release();

    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN');
    expect(shown.args.channel).toBe('DUANN');
    expect(JSON.stringify(shown.args.blocks)).toContain(password);
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    expect(records.at(-1)).toMatchObject({ outcome: 'success' });
    expect(records.at(-1)?.deliveryFailed).toBeUndefined();
    expect(google().signOuts('g-ann')).toBe(1);
    for (const place of [JSON.stringify(h.slack.calls.filter((c) => c !== shown && !ownWindow(c, opened.viewId))), h.logs.join(''), await h.rawAuditTable()]) expect(place).not.toContain(password);
  });
});

describe('a quick reset whose confirmation close arrives while its outcome is being written', () => {
  const h = useHarness({ dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
    x.chime.setLatency(0);
  });
  // What the reset logs as it sees a close; counted from before each close, as one test's lines stay for the next.
  const ON_ITS_WAY = 'confirmation closed while its reset is on its way; waiting to know whether its attempt was written';
  const WHILE_IT_RAN = 'confirmation closed while its reset ran; a new secret it sets goes aside';
  const WAS_ENDING = 'confirmation closed while its reset was ending; the new credential goes aside now';
  const logged = (text: string) => h.logs.filter((l) => l.includes(text)).length;

  it('the answer that carried the PIN replaced nothing: the PIN comes in an ephemeral message, and the receipt says so', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    const outcomeOf = (c: { operation: string; body: string }) => c.operation === 'PutItem' && c.body.includes('UCARL') && c.body.includes('"outcome"');
    const release = h.dynamoGate.hold(outcomeOf);
    const submission = await answeredAt(h.submit('UCARL', opened.view));
    await until("the outcome's PutItem", () => h.dynamoGate.held.some(outcomeOf));
    const pin = h.chime.pinOf('chime-carl');
    expect(pin).toMatch(/^\d{10}$/);
    // The answer carried the PIN (slower than the answer may be held: the update after its "working…"), to a
    // modal the person had closed meanwhile: Slack tells of the close while the reset's outcome is still being written.
    expect(secretIn(h.lastShown(opened.viewId, [submission])!)).toBe(pin);
    h.slack.closeView(opened.viewId);
    expect((await h.close('UCARL', opened.view)).status).toBe(200);
    await h.waitForLogs('confirmation closed', 1);
    release();

    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UCARL');
    expect(shown.args.channel).toBe('DUCARL');
    expect(JSON.stringify(shown.args.blocks)).toContain(pin);
    await resetEnded(h, 'UCARL');
    expect(h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UCARL')).toHaveLength(1);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL');
    expect(dm.args.text).toContain('so Latchkey showed you the new one in a message here, once, visible only to you');
    const records = await h.waitForAudit('UCARL', (r) => r.phase === 'outcome');
    expect(records.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'success' });
    expect(records.at(-1)?.deliveryFailed).toBeUndefined();
    for (const place of [JSON.stringify(h.slack.calls.filter((c) => c !== shown && !ownWindow(c, opened.viewId))), h.logs.join(''), await h.rawAuditTable()]) expect(place).not.toContain(pin);
  });
  it('… or while its attempt is being written, so that its cancellation loses to the attempt: the PIN comes in an ephemeral message, and the receipt says so', async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    const attemptOf = (c: { operation: string; body: string }) => c.operation === 'PutItem' && c.body.includes('UANN') && c.body.includes('"attempt"');
    // The attempt is on record at once; the Reset click hears so only when released.
    const release = h.dynamoGate.delay(attemptOf);
    const submitting = h.submit('UANN', opened.view);
    await until("the attempt's PutItem", () => h.dynamoGate.delayed.some(attemptOf));
    const seenBefore = logged(ON_ITS_WAY);
    h.slack.closeView(opened.viewId);
    const closing = h.close('UANN', opened.view);
    // Its answer comes before the close is acted on: seen by the reset on its way, however long it took to come.
    await h.waitForLogs(ON_ITS_WAY, seenBefore + 1);
    release();
    expect((await closing).status).toBe(200);
    const submission = await submitting;

    // The click's answer may come first ("working…", once the hold was up while its attempt waited): the PIN is read once it has gone aside.
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN');
    const pin = h.chime.pinOf('chime-ann');
    expect(pin).toMatch(/^\d{10}$/);
    expect(shown.args.channel).toBe('DUANN');
    expect(JSON.stringify(shown.args.blocks)).toContain(pin);
    expect(JSON.stringify(shown.args.blocks)).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    await resetEnded(h, 'UANN');
    expect(h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UANN')).toHaveLength(1);
    expect(JSON.stringify(submission.json ?? {})).not.toContain(pin);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN');
    expect(dm.args.text).toContain('so Latchkey showed you the new one in a message here, once, visible only to you');
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    for (const place of [JSON.stringify(h.slack.calls.filter((c) => c !== shown)), h.logs.join(''), await h.rawAuditTable()]) expect(place).not.toContain(pin);
  });
  it('… or while two clicks of its Reset race, the first one in losing its attempt to the second: the PIN comes in an ephemeral message, and nowhere else', async () => {
    const opened = await h.open('/reset-pin', 'UADA');
    const attemptOf = (c: { operation: string; body: string }) => c.operation === 'PutItem' && c.body.includes('UADA') && c.body.includes('"attempt"');
    const attempts = () => h.dynamoGate.seen.filter(attemptOf).length;
    const cancellationOf = (c: { operation: string; body: string }) => c.operation === 'PutItem' && c.body.includes('UADA') && c.body.includes('"cancelled"');
    // The first click's attempt meets a DynamoDB that does not answer; the SDK sends it again once it is dropped.
    const releaseFirst = h.dynamoGate.hold((c) => attemptOf(c) && attempts() === 1);
    // The second click's attempt is on record at once; that click hears so only when released.
    const releaseSecond = h.dynamoGate.delay((c) => attemptOf(c) && attempts() === 2);
    const first = h.submit('UADA', opened.view);
    await until("the first click's attempt PutItem", () => attempts() >= 1);
    const second = h.submit('UADA', opened.view);
    await until("the second click's attempt PutItem", () => attempts() >= 2);
    // The person closes the confirmation while both are on their way.
    const [seenBefore, ranBefore] = [logged(ON_ITS_WAY), logged(WHILE_IT_RAN)];
    h.slack.closeView(opened.viewId);
    const closing = h.close('UADA', opened.view);
    // Seen by the reset on its way (neither click has heard of its attempt yet), whatever the time it took to come.
    await h.waitForLogs(ON_ITS_WAY, seenBefore + 1);
    // The first click's attempt, sent again, finds the second's: that click changes nothing.
    releaseFirst();
    expect(JSON.stringify((await first).json ?? {})).not.toMatch(/\d{10}/);
    releaseSecond();
    expect((await closing).status).toBe(200);
    // The close is the second click's, whose attempt was written: not one "after it was used", and
    // never taken for a close before any attempt (a cancellation tried, which the attempt refuses).
    await h.waitForLogs(WHILE_IT_RAN, ranBefore + 1);
    expect(h.dynamoGate.seen.filter(cancellationOf)).toEqual([]);
    const submission = await second;

    // The click's answer may come first ("working…", once the hold was up while its attempt waited): the PIN is read once it has gone aside.
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA');
    const pin = h.chime.pinOf('chime-ada');
    expect(pin).toMatch(/^\d{10}$/);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(shown.args.channel).toBe('DUADA');
    expect(JSON.stringify(shown.args.blocks)).toContain(pin);
    expect(JSON.stringify(shown.args.blocks)).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    await resetEnded(h, 'UADA');
    expect(h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UADA')).toHaveLength(1);
    // Not in the answer to the click, which would only have replaced the closed modal.
    expect(JSON.stringify(submission.json ?? {})).not.toContain(pin);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUADA');
    expect(dm.args.text).toContain('so Latchkey showed you the new one in a message here, once, visible only to you');
    const records = await h.waitForAudit('UADA', (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    for (const place of [JSON.stringify(h.slack.calls.filter((c) => c !== shown)), h.logs.join(''), await h.rawAuditTable()]) expect(place).not.toContain(pin);
  });
  it('… or while its receipt is being sent, after the reset was recorded: the close itself shows the PIN in an ephemeral message, and the receipt is rewritten to say so', async () => {
    const opened = await h.open('/reset-pin', 'UMAX');
    const release = h.slack.hold('chat.postMessage', (args) => args.channel === 'DUMAX');
    const submission = await answeredAt(h.submit('UMAX', opened.view));
    await until('the held receipt (chat.postMessage)', () => h.slack.held.length > 0);
    const pin = h.chime.pinOf('chime-max');
    expect(secretIn(h.lastShown(opened.viewId, [submission])!)).toBe(pin);
    const endingBefore = logged(WAS_ENDING);
    h.slack.closeView(opened.viewId);
    expect((await h.close('UMAX', opened.view)).status).toBe(200);
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX');
    release();
    expect(shown.args.channel).toBe('DUMAX');
    expect(JSON.stringify(shown.args.blocks)).toContain(pin);
    await h.waitForLogs(WAS_ENDING, endingBefore + 1);
    // The receipt, on its way when the close came, said the PIN was in the window: it is rewritten in place to say where it went.
    const receipt = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUMAX' && c.result?.ok === true);
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === receipt.result?.ts);
    expect(rewritten.result?.ok).toBe(true);
    expect(rewritten.args.text).toContain('but its Latchkey window was closed before the new one could be shown there, so Latchkey showed you the new one in a message here, once, visible only to you');
    expect(JSON.stringify(rewritten.args.blocks)).toContain('so Latchkey showed you the new one in a message here');
    const records = await h.waitForAudit('UMAX', (r) => r.phase === 'outcome');
    expect(records.map((r) => r.phase)).toEqual(['attempt', 'outcome']);
    for (const place of [JSON.stringify(h.slack.calls.filter((c) => c !== shown && !ownWindow(c, opened.viewId))), h.logs.join(''), await h.rawAuditTable()]) expect(place).not.toContain(pin);
  });
  it('… or while its receipt is being sent, and no ephemeral message can reach them either: the receipt is rewritten to say the PIN was not shown and to reset again, and the audit records that it was not, without the PIN', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const release = h.slack.hold('chat.postMessage', (args) => args.channel === 'DUBOB');
    const submission = await answeredAt(h.submit('UBOB', opened.view));
    await until('the held receipt (chat.postMessage)', () => h.slack.held.length > 0);
    const pin = h.chime.pinOf('chime-bob');
    expect(pin).toMatch(/^\d{10}$/);
    expect(secretIn(h.lastShown(opened.viewId, [submission])!)).toBe(pin);
    // The outcome is on record (success, shown in the window) before the receipt goes out.
    const recorded = await h.waitForAudit('UBOB', (r) => r.phase === 'outcome');
    expect(recorded.filter((r) => r.phase === 'outcome').map((r) => r.deliveryFailed)).toEqual([undefined]);
    h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3);
    const endingBefore = logged(WAS_ENDING);
    h.slack.closeView(opened.viewId);
    expect((await h.close('UBOB', opened.view)).status).toBe(200);
    // Its answer comes before the close is acted on: the receipt is let go only once the close has been seen.
    await h.waitForLogs(WAS_ENDING, endingBefore + 1);
    release();

    const receipt = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && c.result?.ok === true);
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === receipt.result?.ts);
    expect(rewritten.result?.ok).toBe(true);
    expect(rewritten.args.text).toContain('but Latchkey could not show you the new one. Run `/reset-pin` again to get a new one.');
    expect(JSON.stringify(rewritten.args.blocks)).toContain('Run `/reset-pin` again to get a new one.');
    expect(h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UBOB').every((c) => c.result?.ok === false)).toBe(true);

    // A reviewer reading the audit sees that the person never got the PIN: the outcome again, saying so.
    const records = await h.waitForAudit('UBOB', (r) => r.deliveryFailed === true);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed, r.restated])).toEqual([
      ['attempt', undefined, undefined, undefined],
      ['outcome', 'success', undefined, undefined],
      ['outcome', 'success', true, true],
    ]);
    expect(new Set(records.map((r) => r.requestId)).size).toBe(1);
    const resetLine = () => h.logs.find((l) => l.includes('"msg":"credential reset"') && l.includes('"slackUserId":"UBOB"'));
    await until('the "credential reset" log line', () => resetLine() !== undefined);
    expect(resetLine()).toContain('"deliveryFailed":true');
    // Beside the click's answer, only the calls that tried to show it to Bob himself carried it.
    const toBob = (c: SlackCall) => (c.method === 'chat.postEphemeral' && c.args.user === 'UBOB') || ownWindow(c, opened.viewId);
    for (const place of [JSON.stringify(h.slack.calls.filter((c) => !toBob(c))), h.logs.join(''), await h.rawAuditTable()]) expect(place).not.toContain(pin);
  });
});
