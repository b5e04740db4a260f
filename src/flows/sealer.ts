import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

/**
 * Seals small facts we hand to Slack to carry for us (a modal's private_metadata) so we can
 * tell, when they come back, that nobody changed them. Sealing is not identity: each ticket
 * names the Slack user it was made for, and the flows compare that with the signed payload.
 */
export class Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('sealing key must be at least 32 bytes');
  }

  seal(value: unknown): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** undefined for anything we did not seal ourselves, unchanged, in this shape. Expiry is the caller's rule. */
  open<T>(token: string, schema: z.ZodType<T>): T | undefined {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
