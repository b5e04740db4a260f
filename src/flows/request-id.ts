import { randomBytes } from 'node:crypto';

/** Sorts by time in the audit table and is unguessable, so it can key a once-only record. */
export function newRequestId(now: Date): string {
  return `${now.toISOString()}_${randomBytes(6).toString('hex')}`;
}

/** What newRequestId makes: its ISO time (year, month and day captured), then 12 hex characters. */
export const REQUEST_ID_SHAPE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-f]{12}$/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A reference as a person can read it out over the phone: its last 6 hex characters, which the
 * admins' search takes with the days around it, and its UTC day ("6 Dec"), the day that search
 * picks. Undefined for anything newRequestId did not make (an approval's ID, a hand-made one).
 */
export function shortRequestId(id: string): { end: string; day: string } | undefined {
  const shape = REQUEST_ID_SHAPE.exec(id);
  if (!shape) return undefined;
  const month = MONTHS[Number(shape[2]) - 1];
  return month ? { end: id.slice(-6), day: `${Number(shape[3])} ${month}` } : undefined;
}
