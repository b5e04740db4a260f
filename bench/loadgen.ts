/**
 * The load generator, on a thread of its own (worker_threads): it sends a burst of slash commands,
 * signed as Slack signs them, and times each acknowledgement. On its own thread, its clock is not
 * held up by the stand-ins, which share the main thread's event loop and are busy during a burst.
 */
import { parentPort } from 'node:worker_threads';
import { postSlashCommand } from '../test/support/slack-requests';

export interface BurstRequest {
  url: string;
  signingSecret: string;
  teamId: string;
  commands: Array<{ command: string; userId: string; triggerId: string }>;
}

export interface BurstAck {
  sentAt: number;
  ms: number;
  status: number;
}

parentPort?.on('message', (burst: BurstRequest) => {
  void Promise.all(
    burst.commands.map(async ({ command, userId, triggerId }): Promise<BurstAck> => {
      const sentAt = Date.now();
      try {
        const res = await postSlashCommand(burst.url, burst.signingSecret, { command, user_id: userId, team_id: burst.teamId, trigger_id: triggerId });
        return { sentAt, ms: res.ms, status: res.status };
      } catch {
        return { sentAt, ms: Number.NaN, status: 0 };
      }
    }),
  ).then((acks) => parentPort!.postMessage(acks));
});
