import { z } from 'zod';

/**
 * The small vocabulary config.ts and the credentials' own settings share, so that a value means
 * the same wherever it is read: `.env` files write an unset variable as an empty string.
 */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A URL a credential is sent to: https://, or http:// only on this machine (a stand-in in tests
 * or the sandbox), so that a token never crosses a network in clear.
 */
export const secureUrl = (example: string) =>
  z
    .url({ message: `must be a URL such as ${example}` })
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    }, 'must use https:// (plain http:// only for a local stand-in on 127.0.0.1 or localhost)');
