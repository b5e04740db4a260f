import type { AppOptions, ReceiverEvent } from '@slack/bolt';
import { App } from './bolt';
import { z } from 'zod';
import { AckFirst } from './ack-first';

/** What the app answers to; anything else is refused at once instead of waiting out Slack's 3 s. */
export interface KnownEntryPoints {
  readonly commands: readonly string[];
  readonly viewCallbackIds: readonly string[];
  readonly actionIds: readonly string[];
}

/** Thrown for a signed request whose shape Latchkey does not handle; answered with 400. */
export class UnexpectedPayloadError extends Error {
  override readonly name = 'UnexpectedPayloadError';
}

const id = z.string().min(1).max(255);

/**
 * A Bolt App that checks the outer shape of every verified request before Bolt routes it.
 * Bolt alone leaves an unknown payload unacknowledged until its 3 s timer answers 404, and
 * answers 500 when something throws before ack(): both look like an outage to Slack and to
 * monitoring. Here they become a quick 400 and a log line. And in a burst, the work after
 * each ack() waits its turn behind the acknowledgements still to send (ack-first.ts).
 */
export class GuardedApp extends App {
  private readonly envelope: z.ZodType;
  private readonly ackFirst = new AckFirst();

  constructor(options: AppOptions, known: KnownEntryPoints) {
    super(options);
    const oneOf = (values: readonly string[]) => z.string().refine((v) => values.includes(v));
    this.envelope = z.union([
      z.object({ command: oneOf(known.commands), user_id: id, team_id: id, trigger_id: id }),
      z.object({
        type: z.literal('view_submission'),
        user: z.object({ id }),
        view: z.object({ id, callback_id: oneOf(known.viewCallbackIds) }),
      }),
      z.object({
        type: z.literal('block_actions'),
        user: z.object({ id }),
        trigger_id: id,
        actions: z.array(z.object({ action_id: oneOf(known.actionIds) })).length(1),
      }),
    ]);
  }

  override async processEvent(event: ReceiverEvent): Promise<void> {
    if (!this.envelope.safeParse(event.body).success) {
      throw new UnexpectedPayloadError('signed request of a shape Latchkey does not handle');
    }
    const { ack } = event;
    return super.processEvent({
      ...event,
      ack: async (response) => {
        await ack(response);
        await this.ackFirst.turn();
      },
    });
  }
}
