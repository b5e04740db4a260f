import { z } from 'zod';

/** What the app answers to; anything else is refused at once instead of waiting out Slack's 3 s. */
export interface KnownEntryPoints {
  readonly commands: readonly string[];
  readonly viewCallbackIds: readonly string[];
  readonly actionIds: readonly string[];
  /** Events API event types the app subscribes to (manifest.yml). */
  readonly eventTypes: readonly string[];
}

const ID_MAX = 255;
const id = z.string().min(1).max(ID_MAX);
const oneOf = (values: readonly string[]) => z.string().refine((v) => values.includes(v));

/** A slash command's envelope: one of the app's commands, from a person, with a trigger. */
export function commandEnvelopeSchema(commands: readonly string[]) {
  return z.object({ command: oneOf(commands), user_id: id, team_id: id, trigger_id: id });
}

/**
 * The shapes of signed request the app handles, checked before anything is routed. `isCommand` is
 * the command's envelope without zod, for the acknowledgement on arrival: a zod parse costs a
 * process about 20 µs a request until V8 has optimized it, some thousands of requests in (every
 * process, at the rate people reset credentials), against under 1 µs for these few comparisons; at
 * 400 commands at once that was 4–5 % of the last one's wait (docs/performance.md, issue 28's
 * seventh pass). test/unit/arrival-checks.test.ts holds it to the schema's answers.
 */
export function slackEnvelope(known: KnownEntryPoints): { schema: z.ZodType; isCommand(body: Record<string, unknown>): boolean } {
  const commands = new Set(known.commands);
  const anId = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= ID_MAX;
  return {
    schema: z.union([
      commandEnvelopeSchema(known.commands),
      z.object({
        type: z.enum(['view_submission', 'view_closed']),
        user: z.object({ id }),
        view: z.object({ id, callback_id: oneOf(known.viewCallbackIds) }),
      }),
      z.object({
        type: z.literal('block_actions'),
        user: z.object({ id }),
        trigger_id: id,
        actions: z.array(z.object({ action_id: oneOf(known.actionIds) })).length(1),
      }),
      // The Events API's envelope (JSON); the URL check (url_verification) is answered by the receiver.
      z.object({
        type: z.literal('event_callback'),
        team_id: id,
        event: z.object({ type: oneOf(known.eventTypes), user: id }),
      }),
    ]),
    isCommand: (body) => typeof body.command === 'string' && commands.has(body.command) && anId(body.user_id) && anId(body.team_id) && anId(body.trigger_id),
  };
}
