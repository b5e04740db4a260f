import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { useHarness } from '../support/harness';
import { until } from '../support/until';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * A command acknowledged on arrival is answered at once, and its work can then wait seconds: for
 * its turn in a burst, or for a slow Slack or directory. Nothing in that work needs the HTTP
 * request or response again, and a burst of 400 commands that held on to theirs kept about 1.8 MB
 * alive through every young collection (issue 28, docs/performance.md).
 */
describe('a command answered on arrival', () => {
  const h = useHarness();

  it('lets go of its HTTP request and response while its work goes on', async () => {
    let held: { request: WeakRef<object>; response: WeakRef<ServerResponse> } | undefined;
    const seen = ({ request, response }: { request: { url?: string }; response: ServerResponse }) => {
      if (request.url === '/slack/events' && !held) held = { request: new WeakRef(request), response: new WeakRef(response) };
    };
    subscribe('http.server.request.start', seen as (message: unknown) => void);
    // Its loading modal held at Slack, so the command's work is under way for as long as the test looks.
    const triggerId = h.slack.newTriggerId();
    const release = h.slack.hold('views.open', (args) => args.trigger_id === triggerId);
    try {
      const updatesBefore = h.slack.callsTo('views.update').length;
      const ack = await h.command('/reset-pin', 'UANN', { triggerId });
      expect(ack.status).toBe(200);
      expect(held).toBeDefined();
      // Let go once the response is over, which a loaded machine may take longer to get to than any
      // fixed pause: collected within a bound short of Slack's timeout (5 s), which would end the work.
      const released = () => (collectGarbage(), held!.response.deref() === undefined && held!.request.deref() === undefined);
      await until('the HTTP request and response collected', released, 4_000).catch(() => undefined);
      // Still under way: its loading modal has not been answered, so nothing has been shown in it.
      expect(h.slack.callsTo('views.open').filter((c) => c.args.trigger_id === triggerId)).toEqual([]);
      expect(h.slack.callsTo('views.update')).toHaveLength(updatesBefore);
      expect(held!.response.deref()).toBeUndefined();
      expect(held!.request.deref()).toBeUndefined();
      release();
      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
      await h.viewUpdate(h.openedViewId(opened), 1);
    } finally {
      unsubscribe('http.server.request.start', seen as (message: unknown) => void);
      release();
    }
  });
});

/**
 * A modal submission goes on to Bolt's receiver, which holds its HTTP request until the listener
 * ends: a minute for a push left waiting on a phone. Bolt reads the body once, before the
 * listener runs; held on to, each submission's bytes (a small Buffer keeps its whole 8 KB pool
 * slab) and the socket's chunks stayed alive as long as the request, about a third of what each
 * of 200 people waiting on their phones kept (issue 28, docs/performance.md).
 */
describe('a modal submission whose work goes on', () => {
  const h = useHarness({}, (x) => x.chime.setLatency(0));

  it("lets go of its body's bytes once Bolt has read them", async () => {
    const { view } = await h.open('/reset-pin', 'UANN');
    let request: (IncomingMessage & { rawBody?: Buffer }) | undefined;
    const chunks: WeakRef<Buffer>[] = [];
    const seen = ({ request: r }: { request: IncomingMessage }) => {
      if (r.url !== '/slack/events' || request) return;
      request = r;
      r.prependListener('data', (chunk: Buffer) => chunks.push(new WeakRef(chunk)));
    };
    subscribe('http.server.request.start', seen as (message: unknown) => void);
    // The change takes 3 s: the submission's answer (held at most ANSWER_HOLD_MS) comes first.
    h.chime.setLatency(3_000);
    try {
      const shownBefore = h.slack.callsTo('views.update').filter((c) => c.args.view_id === view.id).length;
      const submission = await h.submit('UANN', view);
      expect(submission.status).toBe(200);
      // Still under way: nothing has been shown in the modal since the answer.
      expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === view.id)).toHaveLength(shownBefore);
      collectGarbage();
      expect(request).toBeDefined();
      expect(chunks.length).toBeGreaterThan(0);
      expect('rawBody' in request!).toBe(false);
      expect(chunks.filter((c) => c.deref() !== undefined)).toHaveLength(0);
      h.chime.setLatency(0);
      const final = await h.shownAfter(submission, view.id as string, 6_000);
      expect(JSON.stringify(final)).toContain('PIN');
    } finally {
      unsubscribe('http.server.request.start', seen as (message: unknown) => void);
      h.chime.setLatency(0);
    }
  });
});
