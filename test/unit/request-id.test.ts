import { dayOfShortForm, newRequestId, shortRequestId, shortFormDay } from '../../src/flows/request-id';

describe("a short form's day, as an admin pastes it with the short form", () => {
  it('is the latest such UTC day up to today: this year, or the year before when that day is still to come', () => {
    const today = new Date('2026-12-06T11:48:47.213Z');
    expect(dayOfShortForm('6 Dec', today)).toBe('2026-12-06');
    expect(dayOfShortForm('5 dec', today)).toBe('2026-12-05');
    expect(dayOfShortForm('06 Dec', today)).toBe('2026-12-06');
    // A reference of 7 Dec read out on 6 Dec was taken a year before.
    expect(dayOfShortForm('7 Dec', today)).toBe('2025-12-07');
    expect(dayOfShortForm('1 Jan', new Date('2027-01-01T00:00:01.000Z'))).toBe('2027-01-01');
    expect(dayOfShortForm('31 Dec', new Date('2027-01-01T00:00:01.000Z'))).toBe('2026-12-31');
    // 29 Feb: the latest year that has one.
    expect(dayOfShortForm('29 Feb', today)).toBe('2024-02-29');
  });

  it('reads back the day shortRequestId prints for a reference taken today', () => {
    const now = new Date('2026-03-01T23:59:59.999Z');
    const short = shortRequestId(newRequestId(now))!;
    expect(dayOfShortForm(short.day, now)).toBe('2026-03-01');
  });

  it('is no day for words that are not one, or a day no year has', () => {
    for (const text of ['31 Feb', '30 Feb', '0 Dec', '32 Jan', 'Dec 6', '6 December', '6/12', '', 'today']) expect(shortFormDay(text)).toBeUndefined();
    expect(dayOfShortForm('31 Feb', new Date())).toBeUndefined();
  });
});
