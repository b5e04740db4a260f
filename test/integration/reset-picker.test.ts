import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CREDENTIALS } from '../../src/credentials';
import { GUEST_ANSWER_MAX_AGE_MS } from '../../src/flows/known-guests';
import { secretIn, useHarness } from '../support/harness';
import { until } from '../support/until';

// Said once (before: "Latchkey's self-service is for members of this workspace." ahead of it, the same thing twice).
const GUEST_LINE = 'Guest accounts cannot use self-service resets. Ask your contact at the company or IT instead.';

/** `/reset`: one command for every credential this deployment serves. */
describe('/reset', () => {
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const buttonsOf = (json: any) => (json.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));

  it("answers privately with one button per credential this deployment serves, in the registry's order", async () => {
    const res = await h.command('/reset', 'UANN');
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(buttonsOf(res.json).map((b: any) => b.text.text)).toEqual(CREDENTIALS.map((c) => c.words.homeButton));
    // Answered in the acknowledgement: Slack was asked only who is asking (a guest is offered none), and no directory anything.
    expect(h.slack.calls.map((c) => [c.method, c.args.user])).toEqual([['users.info', 'UANN']]);
    expect(JSON.stringify(res.json)).not.toContain('Guest accounts');
    // Asked again within minutes, the same: Slack's answer is kept for what is offered.
    expect(buttonsOf((await h.command('/reset', 'UANN')).json)).toHaveLength(CREDENTIALS.length);
    expect(h.slack.callsTo('users.info')).toHaveLength(1);
  });

  it('a button opens the same confirmation as the command, with the same checks, and resets the same way', async () => {
    const res = await h.command('/reset', 'UANN');
    const pin = buttonsOf(res.json).find((b: any) => b.value === 'pin');
    const fromPicker = await h.opening((t) => h.click('UANN', pin.action_id, pin.value, { channel: 'C0GENERAL', ts: '1700000000.000100' }, t));
    const fromCommand = await h.open('/reset-pin', 'UANN');
    const withoutTicket = (v: Record<string, any>) => ({ ...v, id: undefined, private_metadata: undefined });
    expect(withoutTicket(fromPicker.view)).toEqual(withoutTicket(fromCommand.view));
    const final = await h.shownAfter(await h.submit('UANN', fromPicker.view), fromPicker.viewId);
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-ann'));
  });

  it.each([
    ['a guest', 'UGUEST'],
    ['a single-channel guest', 'USINGLE'],
  ])('%s is answered with why Latchkey serves them nothing, and no button', async (_, guest) => {
    const res = await h.command('/reset', guest);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_type: 'ephemeral', text: GUEST_LINE });
  });

  it('a guest whose users.info fails is offered the buttons as before, and a click is still refused exactly as by the command', async () => {
    // Past what Slack said of them in the tests above.
    h.clock.offsetMs = GUEST_ANSWER_MAX_AGE_MS + 1_000;
    h.slack.failNext('users.info', { error: 'internal_error' });
    const res = await h.command('/reset', 'UGUEST').finally(() => (h.clock.offsetMs = 0));
    expect(buttonsOf(res.json).map((b: any) => b.text.text)).toEqual(CREDENTIALS.map((c) => c.words.homeButton));
    await h.waitForLogs('guest check failed; offered as to a member', 1);
    const pin = buttonsOf(res.json).find((b: any) => b.value === 'pin');
    const opened = await h.opening((t) => h.click('UGUEST', pin.action_id, pin.value, { channel: 'C0GENERAL', ts: '1700000000.000200' }, t));
    expect(opened.view.submit).toBeUndefined();
    expect(JSON.stringify(opened.view.blocks)).toContain('Guest accounts cannot use self-service resets.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });
});

describe('/reset where a credential is not set up', () => {
  const h = useHarness({ without: ['pin'] });

  it('offers only what this deployment serves: the same resets as the Home tab', async () => {
    const res = await h.command('/reset', 'UANN');
    const buttons = (res.json.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b: any) => b.value)).not.toContain('pin');
    const { home } = await h.openHome('UANN');
    const homeButtons = (home.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : [])).filter((b: any) => CREDENTIALS.some((c) => c.id === b.value));
    expect(buttons.map((b: any) => [b.action_id, b.text.text])).toEqual(homeButtons.map((b: any) => [b.action_id, b.text.text]));
  });
});

describe('/reset on Lambda', () => {
  const h = useHarness({ entry: 'lambda' });
  let hooks: Server;
  let hookUrl: string;
  const replies = new Map<string, Record<string, any>[]>();
  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const who = new URL(req.url ?? '/', 'http://hooks').pathname.slice(1);
        replies.set(who, [...(replies.get(who) ?? []), JSON.parse(body)]);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => hooks.close(() => resolve())));

  it("answers from the payload alone, and a guest is then told, below it, that its buttons will not work for them and why", async () => {
    // A member's picker stands: nothing follows it.
    await h.command('/reset', 'UANN', { responseUrl: `${hookUrl}UANN` });
    await h.slack.waitForCall('users.info', (c) => c.args.user === 'UANN');
    const res = await h.command('/reset', 'UGUEST', { responseUrl: `${hookUrl}UGUEST` });
    // The answering invocation reads nothing but the payload (hand-off-receiver.ts): the picker, as to anyone.
    expect((res.json.blocks as any[]).some((b) => b.type === 'actions')).toBe(true);
    await until("the guest's second message, through the command's response_url", () => replies.has('UGUEST'), 5_000);
    // A second message, never a replacement: Slack does not replace a slash command's answer through its response_url.
    expect(replies.get('UGUEST')).toEqual([{ response_type: 'ephemeral', replace_original: false, text: `The buttons above will not work for you: ${GUEST_LINE}` }]);
    expect(replies.has('UANN')).toBe(false);
  });
});
