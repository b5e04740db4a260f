import { z } from 'zod';

/**
 * What the reset confirmation modal carries between "we checked who you are" and "reset now",
 * sealed (see Sealer) and bound to the Slack user and workspace it was made for: it only saves
 * looking the directory user up a second time.
 */
/** The purpose the ticket is sealed for (Sealer): nothing sealed for another opens as one. */
export const RESET_TICKET = 'reset-confirmation';

export const resetTicketSchema = z.object({
  v: z.literal(1),
  /** The credential's ID; the flow accepts the ticket only for the credential being confirmed. */
  kind: z.string().min(1),
  userId: z.string(),
  teamId: z.string(),
  directoryUserId: z.string(),
  /** The account was locked when checked: the reset unlocks it first. */
  locked: z.literal(true).optional(),
  email: z.string(),
  requestId: z.string(),
  expiresAt: z.number().int(),
  /** When opening the confirmation was counted against the limits (ms): what cancel gives back. */
  countedAt: z.number().int().optional(),
  /** The `verify` policy: the person's account and push device in the verifier, found while the confirmation opened. */
  verify: z.object({ userId: z.string(), factorId: z.string(), factorType: z.string() }).optional(),
});

export type ResetTicket = z.infer<typeof resetTicketSchema>;
