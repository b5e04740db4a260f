import { z } from 'zod';

/**
 * The parts of Slack's payloads the handlers use. Bolt has checked the signature; these check the
 * shape, so a malformed body ends in a polite answer instead of a crash.
 */
const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);

export const slashCommandSchema = z.object({
  user_id: slackId,
  team_id: slackId,
  trigger_id: z.string().min(1),
  text: z.string().max(4000).default(''),
});

export const viewSubmissionSchema = z.object({
  user: z.object({ id: slackId, team_id: slackId.optional() }),
  // Null for some Enterprise Grid installs; the user's own team_id then names the workspace.
  team: z.object({ id: slackId }).nullable().optional(),
  view: z.object({
    id: z.string().min(1),
    private_metadata: z.string().max(3000).default(''),
  }),
});

export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

/** Who is acting, from the signed payload only. */
export function submitter(body: ViewSubmission): { userId: string; teamId: string } | undefined {
  const teamId = body.team?.id ?? body.user.team_id;
  return teamId ? { userId: body.user.id, teamId } : undefined;
}
