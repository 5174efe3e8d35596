import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';

/** A rate in (0, 1]. Percent-style values (50) are rejected with a hint rather than guessed at. */
export const fractionSchema: z.ZodType<number, number> = z
  .number({ message: 'expected a number in (0, 1]' })
  .refine((value) => value > 0 && value <= 1, {
    message: 'expected a fraction in (0, 1] (write 50 % as 0.5)',
  });

/** An integer of at least `min`. */
export function intSchema(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodNumber {
  return z
    .number({ message: 'expected an integer' })
    .int({ message: 'expected an integer' })
    .min(min, { message: `expected an integer >= ${min}` })
    .max(max, { message: `expected an integer <= ${max}` });
}

/** A function option; its signature is enforced by the TypeScript types, not at runtime. */
export function functionSchema<F extends (...args: never[]) => unknown>(): z.ZodType<F, F> {
  return z.custom<F>((value) => typeof value === 'function', { message: 'expected a function' });
}

/** A name identifying a policy in registries, events, errors and store keys. */
export const policyNameSchema: z.ZodString = z
  .string({ message: 'expected a non-empty string' })
  .min(1, { message: 'expected a non-empty string' })
  .max(200, { message: 'expected at most 200 characters' });

/** A {@link Clock}, defaulting to the system clock. */
export const clockSchema: z.ZodType<Clock, Clock | undefined> = z
  .custom<Clock>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Clock).now === 'function' &&
      typeof (value as Clock).setTimeout === 'function' &&
      typeof (value as Clock).clearTimeout === 'function',
    { message: 'expected a Clock with now(), setTimeout() and clearTimeout()' },
  )
  .optional()
  .transform((clock) => clock ?? systemClock) as unknown as z.ZodType<Clock, Clock | undefined>;
