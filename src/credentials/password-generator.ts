/**
 * The password generator every credential that makes passwords shares, with its settings
 * (PASSWORD_LENGTH, PASSWORD_SYMBOLS). A credential that generates passwords spreads
 * `PASSWORD_SETTINGS` into its own variables and reads them with `passwordPolicyOf`: the same
 * Setting objects, so the registry check (registry.ts) knows them for one shared pair of settings,
 * not two credentials fighting over a name.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { wholeNumber } from '../config-fields';
import type { Setting } from './credential';

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
export function generatePassword(options: PasswordPolicy): string {
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

/** Letters, digits and symbols that are hard to misread (no 0/O, 1/l/I) and safe to paste. */
export const DEFAULT_PASSWORD_SYMBOLS = '!#$%*+-=?@^_';

export interface PasswordPolicy {
  readonly length: number;
  readonly symbols: string;
}

export const PASSWORD_SETTINGS: Readonly<Record<'PASSWORD_LENGTH' | 'PASSWORD_SYMBOLS', Setting>> = {
  PASSWORD_LENGTH: {
    schema: wholeNumber(16, 64).default(20),
    context: 'passwordLength',
    doc: { default: '`20`', meaning: 'Generated password length, 16–64.' },
  },
  PASSWORD_SYMBOLS: {
    schema: z
      .string()
      .regex(/^[!-/:-@[-`{-~]{4,32}$/, `must be 4 to 32 ASCII punctuation characters, or unset for its default (${DEFAULT_PASSWORD_SYMBOLS})`)
      // The password is shown in a mrkdwn code block (secretBlocks), where Slack still reads &, < … >
      // and a backtick, and escaping them would make the copied text wrong: never generated instead.
      .regex(/^[^<>&`]*$/, `must not hold <, >, & or a backtick (\`): Slack reads them in the message that shows the new password, so it could show one other than the password set. Remove them, or unset PASSWORD_SYMBOLS for its default (${DEFAULT_PASSWORD_SYMBOLS})`)
      .default(DEFAULT_PASSWORD_SYMBOLS),
    context: 'passwordSymbols',
    // A value inside < and > is judged by the check above, which says why neither may be a symbol.
    anglesAllowed: true,
    doc: { default: `\`${DEFAULT_PASSWORD_SYMBOLS}\``, meaning: 'Symbols the generator may use (4–32 ASCII punctuation characters, never `<`, `>`, `&` or a backtick).' },
  },
};

/** The generator's settings from the parsed variables. */
export function passwordPolicyOf(values: Readonly<Record<string, unknown>>): PasswordPolicy {
  return { length: values.PASSWORD_LENGTH as number, symbols: values.PASSWORD_SYMBOLS as string };
}
