import { z } from 'zod';
import type { Requester } from '../flows/ports';

/**
 * The parts of Slack's payloads the handlers use. Bolt has checked the signature; these check the
 * shape, so a malformed body ends in a polite answer instead of a crash.
 */
const SLACK_ID = /^[A-Z0-9]{2,}$/;
const slackId = z.string().regex(SLACK_ID);

const TEXT_MAX = 4000;

export const slashCommandSchema = z.object({
  user_id: slackId,
  team_id: slackId,
  // Enterprise Grid only.
  enterprise_id: slackId.optional(),
  trigger_id: z.string().min(1),
  text: z.string().max(TEXT_MAX).default(''),
});

/**
 * Whether slashCommandSchema reads `body`, without zod: asked of every command as it arrives, before
 * its acknowledgement (GuardedApp.acknowledgeOnArrival). A zod parse costs a process about 20 µs
 * until V8 has optimized it, some thousands of commands in; these comparisons cost under 1 µs.
 * test/unit/arrival-checks.test.ts holds the two to the same answers.
 */
export function readableSlashCommand(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const id = (v: unknown) => typeof v === 'string' && SLACK_ID.test(v);
  const { user_id: userId, team_id: teamId, enterprise_id: enterpriseId, trigger_id: triggerId, text } = body as Record<string, unknown>;
  return (
    id(userId) &&
    id(teamId) &&
    (enterpriseId === undefined || id(enterpriseId)) &&
    typeof triggerId === 'string' &&
    triggerId.length >= 1 &&
    (text === undefined || (typeof text === 'string' && text.length <= TEXT_MAX))
  );
}

const actor = {
  user: z.object({ id: slackId, team_id: slackId.optional() }),
  // Null for some Enterprise Grid installs; the user's own team_id then names the workspace.
  team: z.object({ id: slackId }).nullable().optional(),
  enterprise: z.object({ id: slackId }).nullable().optional(),
};

/** Who an interaction (a click, a submission) is from, and nothing else of it. */
export const interactionUserSchema = z.object(actor);

/** One input's state: text inputs carry `value`, selects and radio buttons `selected_option`, pickers their own. */
const inputState = z.object({
  value: z.string().max(3000).nullish(),
  selected_option: z.object({ value: z.string().max(150) }).nullish(),
  selected_user: slackId.nullish(),
  selected_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullish(),
});

export const viewSubmissionSchema = z.object({
  ...actor,
  view: z.object({
    id: z.string().min(1),
    private_metadata: z.string().max(3000).default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), inputState)) }).default({ values: {} }),
  }),
});

type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

export const blockActionsSchema = z.object({
  ...actor,
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).nullish(),
  // A click on a message: the message it came from (its channel and ts), as Slack says it.
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).nullish(),
  // A click inside a modal or on the Home tab: the view it came from.
  view: z.object({ id: z.string().min(1), type: z.string().optional() }).nullish(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(2000).optional() })).min(1),
});

type BlockActions = z.infer<typeof blockActionsSchema>;

/** Who typed a slash command, from its signed payload only. */
export function commandUser(body: Pick<z.infer<typeof slashCommandSchema>, 'user_id' | 'team_id' | 'enterprise_id'>): Requester {
  return { userId: body.user_id, teamId: body.team_id, ...(body.enterprise_id && { enterpriseId: body.enterprise_id }) };
}

/** Who is acting, from the signed payload only. */
export function actingUser(body: {
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
  enterprise?: { id: string } | null;
}): Requester | undefined {
  const teamId = body.team?.id ?? body.user.team_id;
  if (!teamId) return undefined;
  return { userId: body.user.id, teamId, ...(body.enterprise?.id && { enterpriseId: body.enterprise.id }) };
}

/** What the person entered or picked in one input of a submitted modal. */
export function inputValue(body: ViewSubmission, blockId: string, actionId: string): string | undefined {
  const state = body.view.state.values[blockId]?.[actionId];
  return state?.selected_option?.value ?? state?.selected_user ?? state?.selected_date ?? state?.value ?? undefined;
}

/**
 * An item of Needs attention, as a Mark handled button's value or its modal's private_metadata
 * carries it: its shape only; whether it is an item is the flow's to check. Its person, time and
 * count only say on the modal what it is about (a tab published before them has none).
 */
const attentionTargetSchema = z
  .object({
    kind: z.string().max(40),
    reference: z.string().max(100),
    person: slackId.max(40).optional(),
    at: z.iso.datetime().optional(),
    count: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export function attentionTargetOf(text: string | undefined): z.infer<typeof attentionTargetSchema> | undefined {
  try {
    const parsed = attentionTargetSchema.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The Events API's app_home_opened, as Slack signs it: who opened the tab, in which workspace. */
export const homeOpenedSchema = z.object({
  team_id: slackId,
  enterprise_id: slackId.nullish(),
  event: z.object({ type: z.literal('app_home_opened'), user: slackId, tab: z.string().max(20) }),
});

/** The person who opened their Home tab, from the signed envelope. */
export function homeOpener(body: z.infer<typeof homeOpenedSchema>): Requester {
  return { userId: body.event.user, teamId: body.team_id, ...(body.enterprise_id && { enterpriseId: body.enterprise_id }) };
}

/**
 * A modal closed (view_closed, sent only for a view with notify_on_close): who closed it, from the
 * signed payload, and what it carried. The payload carries the view as a submission does, without
 * its inputs.
 */
export function closedBy(body: unknown): { requester: Requester; privateMetadata: string } | undefined {
  const parsed = viewSubmissionSchema.safeParse(body);
  const requester = parsed.success ? actingUser(parsed.data) : undefined;
  return parsed.success && requester ? { requester, privateMetadata: parsed.data.view.private_metadata } : undefined;
}

/** A button click that names a person who can be acted for. */
export function clickedBy(body: unknown): { click: BlockActions; requester: Requester } | undefined {
  const parsed = blockActionsSchema.safeParse(body);
  const requester = parsed.success ? actingUser(parsed.data) : undefined;
  return parsed.success && requester ? { click: parsed.data, requester } : undefined;
}
