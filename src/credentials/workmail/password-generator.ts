import { randomInt } from 'node:crypto';

/** Characters easy to mistype or misread when a person copies a password by eye. */
export const AMBIGUOUS = '0Oo1lI';

const strip = (chars: string) => [...chars].filter((c) => !AMBIGUOUS.includes(c)).join('');

export const UPPER = strip('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
export const LOWER = strip('abcdefghijklmnopqrstuvwxyz');
export const DIGITS = strip('0123456789');

/**
 * A strong random password from node:crypto: at least one upper, lower, digit and symbol,
 * the rest from the whole alphabet, shuffled. randomInt draws without modulo bias.
 */
export function generatePassword(options: { length: number; symbols: string }): string {
  if (!Number.isInteger(options.length) || options.length < 16 || options.length > 64) {
    throw new RangeError('password length must be 16 to 64');
  }
  const symbols = strip([...new Set(options.symbols)].join(''));
  if (symbols.length === 0) throw new RangeError('at least one symbol is needed');
  const classes = [UPPER, LOWER, DIGITS, symbols];
  const alphabet = classes.join('');
  const pick = (from: string) => from[randomInt(from.length)]!;
  const chars = classes.map(pick);
  while (chars.length < options.length) chars.push(pick(alphabet));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
