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

/**
 * The day of a short form as shortRequestId writes it ("6 Dec", any case): its day and month
 * (1-12), or undefined for words that are not such a day, or no day of any year ("31 Feb").
 */
export function shortFormDay(text: string): { readonly day: number; readonly month: number } | undefined {
  const said = /^(\d{1,2}) ([a-z]{3})$/i.exec(text.trim());
  if (!said) return undefined;
  const day = Number(said[1]);
  const month = MONTHS.findIndex((m) => m.toLowerCase() === said[2]!.toLowerCase()) + 1;
  // 2000 was a leap year: 29 Feb is a day some year has.
  return month > 0 && new Date(Date.UTC(2000, month - 1, day)).getUTCDate() === day ? { day, month } : undefined;
}

/**
 * The UTC day (YYYY-MM-DD) a short form's "6 Dec" is: the latest such day up to today's, since a
 * reference is taken before it is read out; the year before when today is earlier in the year.
 * Undefined when shortFormDay reads no day in it.
 */
export function dayOfShortForm(text: string, today: Date): string | undefined {
  const on = shortFormDay(text);
  if (!on) return undefined;
  const todays = today.toISOString().slice(0, 10);
  // 29 Feb comes back within 8 years (1900 and 2100 were and will be no leap years).
  for (let year = today.getUTCFullYear(); year > today.getUTCFullYear() - 9; year--) {
    const at = new Date(Date.UTC(year, on.month - 1, on.day));
    if (at.getUTCDate() === on.day && at.toISOString().slice(0, 10) <= todays) return at.toISOString().slice(0, 10);
  }
  return undefined;
}
