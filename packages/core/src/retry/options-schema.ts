import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { clockSchema, functionSchema, intSchema, policyNameSchema } from '../config/schema-helpers.js';
import { isBreakwaterError } from '../errors/breakwater-error.js';
import { RetryBudget } from './budget.js';
import { refineBudget, retryBudgetDefaults, retryBudgetShape } from './budget-options.js';
import { type RetryOutcome, retryAfterOf } from './retry-after.js';

/**
 * The default `retryIf`: every error except an open circuit breaker's rejection, which retrying
 * cannot help. Combine it with a predicate of your own to keep that rule.
 *
 * @example
 * ```ts
 * retry({ retryIf: (error) => retryUnlessCircuitOpen(error) && !(error instanceof ValidationError) });
 * ```
 */
export function retryUnlessCircuitOpen(error: unknown): boolean {
  return !isBreakwaterError(error, 'ERR_CIRCUIT_OPEN');
}

/** The single home of the retry policy's defaults (design habit 4); TSDoc `@default`s mirror these. */
export const retryDefaults = {
  name: 'retry',
  maxAttempts: 3,
  backoffType: 'exponential',
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 'full',
  maxRetryAfterMs: 60_000,
} as const;

const backoffSchema = z
  .object({
    type: z.enum(['constant', 'linear', 'exponential'], { message: 'expected "constant", "linear" or "exponential"' }).default(retryDefaults.backoffType),
    initialDelay: durationSchema().default(retryDefaults.initialDelayMs),
    maxDelay: durationSchema().default(retryDefaults.maxDelayMs),
    multiplier: z
      .number({ message: 'expected a number >= 1' })
      .min(1, { message: 'expected a number >= 1' })
      .max(1_000, { message: 'expected a number <= 1000' })
      .default(retryDefaults.multiplier),
    jitter: z.enum(['none', 'full', 'equal', 'decorrelated'], { message: 'expected "none", "full", "equal" or "decorrelated"' }).default(retryDefaults.jitter),
  })
  .strict()
  .superRefine((backoff, ctx) => {
    if (backoff.maxDelay < backoff.initialDelay) {
      ctx.addIssue({ code: 'custom', path: ['maxDelay'], message: `expected at least initialDelay (${backoff.initialDelay} ms)`, input: backoff.maxDelay });
    }
    if (backoff.jitter === 'decorrelated' && backoff.type !== 'exponential') {
      ctx.addIssue({
        code: 'custom',
        path: ['jitter'],
        message: `expected type "exponential" with decorrelated jitter, which grows delays by itself (type is "${backoff.type}")`,
        input: backoff.jitter,
      });
    }
    if (backoff.jitter === 'decorrelated' && backoff.initialDelay === 0) {
      ctx.addIssue({ code: 'custom', path: ['initialDelay'], message: 'expected a duration > 0 with decorrelated jitter (it grows from it)', input: 0 });
    }
  })
  .default({
    type: retryDefaults.backoffType,
    initialDelay: retryDefaults.initialDelayMs,
    maxDelay: retryDefaults.maxDelayMs,
    multiplier: retryDefaults.multiplier,
    jitter: retryDefaults.jitter,
  });

const retryAfterSchema = z
  .union(
    [
      z.literal(false),
      z
        .object({
          max: durationSchema().default(retryDefaults.maxRetryAfterMs),
          read: functionSchema<(outcome: RetryOutcome, nowMs: number) => number | undefined>().default(() => retryAfterOf),
        })
        .strict(),
    ],
    { message: 'expected false or { max, read }' },
  )
  .default({ max: retryDefaults.maxRetryAfterMs, read: retryAfterOf });

const budgetInstanceSchema = z.custom<RetryBudget>((value) => value instanceof RetryBudget, { message: 'expected a RetryBudget' });

const budgetSchema = z
  .union([z.literal(false), budgetInstanceSchema, z.object(retryBudgetShape).strict().superRefine(refineBudget)], {
    message: 'expected false, a RetryBudget or { ratio, minRetriesPerSecond, window }',
  })
  .default({ ratio: retryBudgetDefaults.ratio, minRetriesPerSecond: retryBudgetDefaults.minRetriesPerSecond, window: retryBudgetDefaults.windowMs });

/** Validates and resolves {@link RetryOptions}. */
export const retryOptionsSchema = z
  .object({
    name: policyNameSchema.default(retryDefaults.name),
    maxAttempts: intSchema(1, 1_000).default(retryDefaults.maxAttempts),
    backoff: backoffSchema,
    retryIf: functionSchema<(error: unknown, attempt: number) => boolean>().default(() => retryUnlessCircuitOpen),
    retryIfResult: functionSchema<(result: unknown, attempt: number) => boolean>().optional(),
    retryAfter: retryAfterSchema,
    budget: budgetSchema,
    random: functionSchema<() => number>().default(() => Math.random),
    clock: clockSchema,
  })
  .strict();

/** Options after parsing: defaults applied, durations in milliseconds, frozen. */
export type ResolvedRetryOptions = Readonly<z.output<typeof retryOptionsSchema>>;
