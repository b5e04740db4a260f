/**
 * The load generator, on a thread of its own (worker_threads): it sends a burst of slash commands
 * (or of view submissions, whose bodies the caller builds), signed as Slack signs them, and times
 * each acknowledgement. On its own thread, its clock is not held up by the stand-ins, which share
 * the main thread's event loop and are busy during a burst.
 *
 * It does as little as it can while the clocks run, so that the figures are the app's and not its
 * own: every body is built and signed before the burst, and requests go out through node:http
 * (fetch costs several times more CPU per request, and on two cores shared with the app and the
 * stand-ins that showed up as acknowledgement time). Each burst opens connections of its own, as
 * requests from many Slack hosts would; within a burst each request has its own connection.
 */
import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { slackSignature, slashCommandBody } from '../test/support/slack-requests';
import { ownThreadId } from './threads';

export interface BurstRequest {
  url: string;
  signingSecret: string;
  teamId: string;
  commands: Array<{ command: string; userId: string; triggerId: string; responseUrl?: string }>;
  /** Form bodies built by the caller (view submissions: `payload=…`), sent instead of commands, signed here. */
  forms?: string[];
}

export interface BurstAck {
  sentAt: number;
  ms: number;
  status: number;
}

function send(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<BurstAck> {
  return new Promise((resolve) => {
    const sentAt = Date.now();
    const started = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ sentAt, ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', () => resolve({ sentAt, ms: Number.NaN, status: 0 }));
    req.end(body);
  });
}

/** The first message, before any burst: this thread's ID, so the bench can tell its CPU from the rest (threads.ts). */
export interface LoadgenReady {
  tid: number | undefined;
}
parentPort?.postMessage({ tid: ownThreadId() } satisfies LoadgenReady);

parentPort?.on('message', (burst: BurstRequest) => {
  const url = new URL(burst.url);
  const timestamp = Math.floor(Date.now() / 1000);
  const bodies =
    burst.forms ??
    burst.commands.map(({ command, userId, triggerId, responseUrl }) =>
      slashCommandBody({ command, user_id: userId, team_id: burst.teamId, trigger_id: triggerId, response_url: responseUrl }),
    );
  const signed = bodies.map((body) => {
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(burst.signingSecret, timestamp, body),
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
    };
  });
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  void Promise.all(signed.map(({ body, headers }) => send(agent, url, body, headers))).then((acks) => {
    agent.destroy();
    parentPort!.postMessage(acks);
  });
});
