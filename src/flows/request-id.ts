import { randomBytes } from 'node:crypto';

/** Sorts by time in the audit table and is unguessable, so it can key a once-only record. */
export function newRequestId(now: Date): string {
  return `${now.toISOString()}_${randomBytes(6).toString('hex')}`;
}
