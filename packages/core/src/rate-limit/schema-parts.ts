import { z } from 'zod';
import { type Duration, durationSchema } from '../config/duration.js';
import { intSchema } from '../config/schema-helpers.js';
import type { Store } from '../store/store.js';

/** A count in a limit (capacity, rate, limit, burst): a whole number from 1 to 2^40. */
export const limitCountSchema: z.ZodNumber = intSchema(1, 2 ** 40);

/** A limit's name: it goes into store keys, so it is short and has no braces (Redis hash tags). */
export const limitNameSchema: z.ZodString = z
  .string({ message: 'expected a non-empty string' })
  .min(1, { message: 'expected a non-empty string' })
  .max(100, { message: 'expected at most 100 characters' })
  .refine((name) => !/[{}]/.test(name), { message: 'expected no { or } (they delimit Redis hash tags)' });

/** A duration > 0 in whole milliseconds (rate-limit arithmetic is in integers). */
export const wholeMsSchema: z.ZodType<number, Duration> = durationSchema({ positive: true }).refine(Number.isInteger, {
  message: 'expected whole milliseconds',
}) as unknown as z.ZodType<number, Duration>;

/** What a policy does when its store fails: `failOpen`, `failClosed` or `local`. */
export const storeErrorModeSchema = z.enum(['failOpen', 'failClosed', 'local'], { message: 'expected "failOpen", "failClosed" or "local"' });

/** A {@link Store}: consume, consumeAll, peek and reset. */
export const storeSchema: z.ZodType<Store, Store> = z.custom<Store>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['consume', 'consumeAll', 'peek', 'reset'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
  { message: 'expected a Store with consume(), consumeAll(), peek() and reset()' },
);
