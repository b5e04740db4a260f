import { z } from 'zod';

/**
 * The small vocabulary config.ts and the credentials' own settings share, so that a value means
 * the same wherever it is read: `.env` files write an unset variable as an empty string.
 */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
