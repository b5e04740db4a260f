import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useHarness, slackUser } from '../support/harness';
import { until } from '../support/until';

/**
 * Slack's second 3-second clock, the trigger_id's, over HTTP: when Slack is slow to handle
 * views.open, triggers expire; nobody is then left with nothing. Each person sees either the modal
 * or a private "Latchkey is busy" reply through their command's response_url.
 */
describe('a burst while Slack is slow to open modals', () => {
  const ids = Array.from({ length: 30 }, (_, i) => `UCLK${String(i).padStart(2, '0')}`);
  const h = useHarness({
    slackUsers: ids.map((id) => slackUser(id, `${id.toLowerCase()}@example.com`)),
    accounts: { pin: ids.map((id) => ({ UserId: `chime-${id}`, PrimaryEmail: `${id.toLowerCase()}@example.com`, LicenseType: 'Basic' })) },
  });

  let hooks: Server;
  let hookUrl: string;
  const replies = new Map<string, { text: string; response_type: string }[]>();
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

  it('every person ends with the confirmation or the ephemeral "busy" message, never silence', async () => {
    // The first third of the opens Slack handles at once; the rest after 3.2 s, when their triggers are dead.
    h.slack.setProcessingDelay('views.open', (n) => (n < 10 ? 0 : 3_200));
    const triggers = new Map(ids.map((id) => [id, h.slack.newTriggerId()]));
    const acks = await Promise.all(ids.map((id) => h.command('/reset-pin', id, { triggerId: triggers.get(id), responseUrl: `${hookUrl}${id}` })));
    expect(acks.every((a) => a.status === 200)).toBe(true);

    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const open = h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggers.get(id));
          const viewId = open?.result?.view?.id as string | undefined;
          const shown = viewId && h.slack.callsTo('views.update').find((c) => c.args.view_id === viewId);
          if (shown) return { id, got: 'modal', confirmed: Boolean(shown.args.view.submit) };
          const said = replies.get(id)?.find((r) => r.response_type === 'ephemeral');
          if (said) return { id, got: 'busy', text: said.text };
          if (Date.now() > deadline) return { id, got: 'nothing' };
          await new Promise((r) => setTimeout(r, 25));
        }
      }),
    );
    h.slack.setProcessingDelay('views.open', undefined);

    expect(outcomes.filter((o) => o.got === 'nothing')).toEqual([]);
    const modals = outcomes.filter((o) => o.got === 'modal');
    const busy = outcomes.filter((o) => o.got === 'busy');
    expect(modals).toHaveLength(10);
    expect(modals.every((o) => o.confirmed)).toBe(true);
    expect(busy).toHaveLength(20);
    for (const o of busy) expect(o.text).toBe('Latchkey is busy right now and could not open its window in time. Nothing was changed. Run `/reset-pin` again in a moment.');
    expect(h.logs.filter((l) => l.includes('"reason":"trigger_expired"'))).toHaveLength(20);
  }, 30_000);

  it('a person told "busy" was charged nothing: what preparing their confirmation counted is given back', async () => {
    await h.waitForLogs('confirmation closed; its count given back', 20, 10_000);
    const records = await h.auditRecords('UCLK29');
    expect(records.map((r) => r.phase)).toEqual(['cancelled']);
  });

  it("Slack refusing views.open: the person is told through their command, and the log says it once ('views.open failed'), with no second line that reads like a bug of ours", async () => {
    const id = ids[0]!;
    const from = h.logs.length;
    h.slack.failNext('views.open', { error: 'internal_error' });
    const ack = await h.command('/reset-pin', id, { responseUrl: `${hookUrl}${id}` });
    expect(ack.status).toBe(200);
    await until("the command's reply that the window could not open", () => (replies.get(id) ?? []).some((r) => r.text.includes('could not open its window')), 5_000);
    expect(replies.get(id)?.at(-1)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Latchkey could not open its window. Run `/reset-pin` again.') });
    const warned = h.logs.slice(from).map((l) => JSON.parse(l)).filter((l) => l.level === 'warn' && l.slackUserId === id);
    expect(warned.map((l) => l.msg)).toEqual(['views.open failed']);
  });
});
