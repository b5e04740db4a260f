import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

/**
 * Seals small facts we hand to Slack to carry for us (a modal's private_metadata) so we can
 * tell, when they come back, that nobody changed them. Sealing is not identity: each ticket
 * names the Slack user it was made for, and the flows compare that with the signed payload.
 *
 * Every ticket is sealed for one purpose (a reset confirmation, a license form) with a key
 * derived for that purpose alone, so a ticket made for one can never be opened as another, even
 * if their shapes ever came to overlap.
 */
export class Sealer {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('sealing key must be at least 32 bytes');
  }

  seal(purpose: string, value: unknown): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${this.mac(purpose, body)}`;
  }

  /** undefined for anything we did not seal ourselves, for this purpose, unchanged, in this shape. Expiry is the caller's rule. */
  open<T>(purpose: string, token: string, schema: z.ZodType<T>): T | undefined {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(purpose, body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(purpose: string, body: string): string {
    let key = this.keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.key, 'latchkey-sealer', `purpose:${purpose}`, 32));
      this.keys.set(purpose, key);
    }
    return createHmac('sha256', key).update(body).digest('base64url');
  }
}
