import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../../src/http/fetch';
import { SlackWebApi } from '../../src/slack/slack-web-api';
import { openLoadingModal, triggerUsable, TRIGGER_SAFE_MS } from '../../src/slack/arrival-modal';
import { startSlackFake, type SlackFake } from '../support/slack-fake';
import { NO_METRICS } from '../../src/flows/ports';
import { MemoryLogger } from '../support/in-memory-ports';

/** The rule for the loading modal's trigger, against the Slack fake and a response_url that records what it is sent. */
describe('the loading modal opened on arrival', () => {
  let slack: SlackFake;
  let client: SlackWebApi;
  let hooks: Server;
  let hookUrl: string;
  const said: string[] = [];
  beforeAll(async () => {
    slack = await startSlackFake({ teamId: 'T0TEAM', users: [] });
    client = new SlackWebApi({ token: slack.botToken, apiUrl: slack.url, fetch: httpFetch(), logger: new MemoryLogger(), retries: 0 });
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        said.push(JSON.parse(body).text);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await slack.close();
    await new Promise((resolve) => hooks.close(resolve));
  });

  const modal = { view: { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Checking' }, blocks: [] }, busyText: 'Latchkey is busy.' };
  const open = (arrivedAt: number, now: number) =>
    openLoadingModal({
      client,
      fetch: httpFetch(),
      logger: new MemoryLogger(),
      metrics: NO_METRICS,
      modal,
      trigger: { triggerId: slack.newTriggerId(), userId: 'UANN', responseUrl: hookUrl },
      arrivedAt,
      now: () => now,
    });

  it(`uses a trigger up to ${TRIGGER_SAFE_MS} ms old, and no older`, () => {
    expect(triggerUsable(0, TRIGGER_SAFE_MS)).toBe(true);
    expect(triggerUsable(0, TRIGGER_SAFE_MS + 1)).toBe(false);
  });

  it('opens the modal with a fresh trigger', async () => {
    const opened = await open(1_000, 1_100);
    expect(opened).toMatchObject({ ok: true, viewId: expect.any(String) });
  });

  it('a trigger too old to use is never sent to Slack: the person is told through response_url', async () => {
    const before = slack.callsTo('views.open').length;
    expect(await open(0, 2_600)).toEqual({ ok: false, reason: 'trigger_stale' });
    expect(slack.callsTo('views.open')).toHaveLength(before);
    expect(said.at(-1)).toBe('Latchkey is busy.');
  });

  it('a trigger Slack answers expired_trigger_id for: the person is told the same way', async () => {
    slack.failNext('views.open', { error: 'expired_trigger_id' });
    expect(await open(0, 100)).toEqual({ ok: false, reason: 'trigger_expired' });
    expect(said.at(-1)).toBe('Latchkey is busy.');
  });

  it("a click in a channel whose modal leaves a dead trigger to its listener (Review: the listener says the no, or to click again, in an ephemeral): nobody is told busy here; one on the Home tab still is", async () => {
    const leaving = { ...modal, staleInChannel: 'listener' as const };
    const told = said.length;
    const opening = (inChannel: boolean, now: number) =>
      openLoadingModal({
        client,
        fetch: httpFetch(),
        logger: new MemoryLogger(),
        metrics: NO_METRICS,
        modal: leaving,
        trigger: { triggerId: slack.newTriggerId(), userId: 'UANN', responseUrl: hookUrl, ...(inChannel && { inChannel }) },
        arrivedAt: 0,
        now: () => now,
      });
    expect(await opening(true, 2_600)).toEqual({ ok: false, reason: 'trigger_stale' });
    slack.failNext('views.open', { error: 'expired_trigger_id' });
    expect(await opening(true, 100)).toEqual({ ok: false, reason: 'trigger_expired' });
    expect(said.length).toBe(told);
    expect(await opening(false, 2_600)).toEqual({ ok: false, reason: 'trigger_stale' });
    expect(said.slice(told)).toEqual(['Latchkey is busy.']);
  });
});
