import { AMBIGUOUS, DEFAULT_PASSWORD_SYMBOLS, DIGITS, generatePassword, LOWER, UPPER } from '../../src/credentials/password-generator';

const gen = (length = 20, symbols = DEFAULT_PASSWORD_SYMBOLS) => generatePassword({ length, symbols });

describe('generatePassword', () => {
  it('honours the length bounds', () => {
    expect(gen(16)).toHaveLength(16);
    expect(gen(64)).toHaveLength(64);
    expect(() => gen(15)).toThrow(RangeError);
    expect(() => gen(65)).toThrow(RangeError);
  });

  it('always has upper and lower case letters, digits and symbols, and nothing easy to mistype', () => {
    const alphabet = new Set(UPPER + LOWER + DIGITS + DEFAULT_PASSWORD_SYMBOLS);
    const has = (p: string, chars: string) => [...p].some((c) => chars.includes(c));
    const bad = Array.from({ length: 2000 }, () => gen(16)).filter(
      (p) =>
        !has(p, UPPER) || !has(p, LOWER) || !has(p, DIGITS) || !has(p, DEFAULT_PASSWORD_SYMBOLS) ||
        has(p, AMBIGUOUS) || [...p].some((c) => !alphabet.has(c)),
    );
    expect(bad).toEqual([]);
  });

  it('uses the configured symbols only', () => {
    const p = Array.from({ length: 200 }, () => gen(20, '#%')).join('');
    expect(p).toMatch(/[#%]/);
    expect(p).not.toMatch(/[!$*+\-=?@^_]/);
  });

  it('spreads characters evenly: every character appears, none far more than its share', () => {
    const alphabet = UPPER + LOWER + DIGITS + DEFAULT_PASSWORD_SYMBOLS;
    const counts = new Map<string, number>();
    let total = 0;
    while (total < 40_000) {
      for (const c of gen(64)) counts.set(c, (counts.get(c) ?? 0) + 1);
      total += 64;
    }
    const expected = total / alphabet.length;
    for (const c of alphabet) {
      expect(counts.get(c) ?? 0).toBeGreaterThan(expected / 3);
      // The four guaranteed characters favour small classes (symbols, digits) a little.
      expect(counts.get(c) ?? 0).toBeLessThan(expected * 3);
    }
  });

  it('does not repeat itself', () => {
    expect(new Set(Array.from({ length: 1000 }, () => gen())).size).toBe(1000);
  });
});
