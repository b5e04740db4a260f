import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What the confirmation modal carries between "we checked who you are" and "reset now".
 * It travels in the modal's private_metadata, so Slack hands it back to us; it is sealed
 * with an HMAC so nobody can edit it, and it is bound to the Slack user and workspace it was
 * made for, which the confirming request must match (identity still comes from the signed
 * payload: the ticket only saves us looking the directory user up a second time).
 */
const ticketSchema = z.object({
  v: z.literal(1),
  kind: z.enum(['pin', 'password']),
  userId: z.string(),
  teamId: z.string(),
  directoryUserId: z.string(),
  email: z.string(),
  requestId: z.string(),
  expiresAt: z.number().int(),
});

export type ResetTicket = z.infer<typeof ticketSchema>;

export class TicketSealer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('ticket key must be at least 32 bytes');
  }

  seal(ticket: ResetTicket): string {
    const body = Buffer.from(JSON.stringify(ticket)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** undefined for anything we did not seal ourselves, unchanged. Expiry is the caller's rule. */
  open(token: string): ResetTicket | undefined {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = ticketSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
