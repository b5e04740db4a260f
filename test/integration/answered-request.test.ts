import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { useHarness } from '../support/harness';

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
    // Every Slack call answers 2 s late, so the command's work (its loading modal first) is still under way below.
    h.slack.setLatency(2_000);
    try {
      const triggerId = h.slack.newTriggerId();
      const updatesBefore = h.slack.callsTo('views.update').length;
      const ack = await h.command('/reset-pin', 'UANN', { triggerId });
      expect(ack.status).toBe(200);
      expect(held).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      collectGarbage();
      // Still under way: its loading modal has not been answered, so nothing has been shown in it.
      expect(h.slack.callsTo('views.update')).toHaveLength(updatesBefore);
      expect(held!.response.deref()).toBeUndefined();
      expect(held!.request.deref()).toBeUndefined();
      h.slack.setLatency(0);
      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
      await h.viewUpdate(h.openedViewId(opened), 1);
    } finally {
      unsubscribe('http.server.request.start', seen as (message: unknown) => void);
      h.slack.setLatency(0);
    }
  });
});
