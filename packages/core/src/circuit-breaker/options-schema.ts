import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { clockSchema, fractionSchema, functionSchema, intSchema, policyNameSchema } from '../config/schema-helpers.js';
import type { BreakerStateStore } from '../store/breaker-state-store.js';

/** The single home of the breaker's defaults (design habit 4); TSDoc `@default`s mirror these. */
export const breakerDefaults = {
  consecutiveFailures: 5,
  windowSize: 100,
  windowDurationMs: 60_000,
  windowBuckets: 10,
  minimumCalls: 10,
  recoveryTimeoutMs: 30_000,
  backoffMultiplier: 2,
  maxRecoveryTimeoutMs: 300_000,
  maxProbes: 1,
  successThreshold: 1,
  probeTimeoutMs: 30_000,
} as const;

const countWindowSchema = z
  .object({
    type: z.literal('count'),
    size: intSchema(1, 100_000).default(breakerDefaults.windowSize),
  })
  .strict();

const timeWindowSchema = z
  .object({
    type: z.literal('time'),
    duration: durationSchema({ positive: true }).default(breakerDefaults.windowDurationMs),
    buckets: intSchema(1, 1_000).default(breakerDefaults.windowBuckets),
  })
  .strict();

const windowSchema = z
  .discriminatedUnion('type', [countWindowSchema, timeWindowSchema], {
    message: 'expected { type: "count", size } or { type: "time", duration, buckets }',
  })
  .default({ type: 'count', size: breakerDefaults.windowSize });

/** Shape shared by the two rate conditions: a threshold over a window, judged after `minimumCalls`. */
function rateConditionShape() {
  return {
    threshold: fractionSchema,
    minimumCalls: intSchema(0).optional(),
    window: windowSchema,
  };
}

/** Resolves `minimumCalls` (default: the smaller of 10 and a count window's size) and checks it can be met. */
function withMinimumCalls<T extends { minimumCalls?: number | undefined; window: z.output<typeof windowSchema> }>(
  condition: T,
  ctx: z.RefinementCtx,
): Omit<T, 'minimumCalls'> & { minimumCalls: number } {
  const windowSize = condition.window.type === 'count' ? condition.window.size : Number.POSITIVE_INFINITY;
  const minimumCalls = condition.minimumCalls ?? Math.min(breakerDefaults.minimumCalls, windowSize);
  if (minimumCalls > windowSize) {
    ctx.addIssue({
      code: 'custom',
      path: ['minimumCalls'],
      message: `expected at most the window size (${windowSize}), or the condition can never trip`,
      input: condition.minimumCalls,
    });
  }
  return { ...condition, minimumCalls };
}

const failureRateSchema = z.object(rateConditionShape()).strict().transform(withMinimumCalls);

const slowCallRateSchema = z
  .object({ ...rateConditionShape(), slowCallDuration: durationSchema({ positive: true }) })
  .strict()
  .transform(withMinimumCalls);

const tripSchema = z
  .object({
    consecutiveFailures: intSchema(1).optional(),
    failureRate: failureRateSchema.optional(),
    slowCallRate: slowCallRateSchema.optional(),
  })
  .strict()
  .refine((trip) => trip.consecutiveFailures !== undefined || trip.failureRate || trip.slowCallRate, {
    message: 'expected at least one of consecutiveFailures, failureRate, slowCallRate',
  })
  .default({ consecutiveFailures: breakerDefaults.consecutiveFailures });

const backoffSchema = z
  .object({
    multiplier: z
      .number({ message: 'expected a number >= 1' })
      .min(1, { message: 'expected a number >= 1' })
      .default(breakerDefaults.backoffMultiplier),
    maxRecoveryTimeout: durationSchema({ positive: true }).default(breakerDefaults.maxRecoveryTimeoutMs),
  })
  .strict();

const storeSchema = z.custom<BreakerStateStore>(
  (value) => typeof value === 'object' && value !== null && typeof (value as BreakerStateStore).bindBreaker === 'function',
  { message: 'expected a store with bindBreaker()' },
);

/** Validates and resolves {@link CircuitBreakerOptions}. */
export const circuitBreakerOptionsSchema = z
  .object({
    name: policyNameSchema,
    trip: tripSchema,
    recoveryTimeout: durationSchema().default(breakerDefaults.recoveryTimeoutMs),
    backoff: backoffSchema.optional(),
    maxProbes: intSchema(1, 10_000).default(breakerDefaults.maxProbes),
    successThreshold: intSchema(1).default(breakerDefaults.successThreshold),
    probeTimeout: durationSchema({ positive: true }).default(breakerDefaults.probeTimeoutMs),
    timeout: durationSchema({ positive: true }).optional(),
    isFailure: functionSchema<(error: unknown) => boolean>().optional(),
    isIgnored: functionSchema<(error: unknown) => boolean>().optional(),
    isResultFailure: functionSchema<(result: unknown) => boolean>().optional(),
    fallback: functionSchema<(error: unknown) => unknown>().optional(),
    clock: clockSchema,
    store: storeSchema.optional(),
    initialState: z.unknown().optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.backoff && options.backoff.maxRecoveryTimeout < options.recoveryTimeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['backoff', 'maxRecoveryTimeout'],
        message: `expected at least recoveryTimeout (${options.recoveryTimeout} ms)`,
        input: options.backoff.maxRecoveryTimeout,
      });
    }
  });

/** Options after parsing: defaults applied, durations in milliseconds, frozen. */
export type ResolvedCircuitBreakerOptions = Readonly<z.output<typeof circuitBreakerOptionsSchema>>;

/** The trip conditions after parsing. */
export type ResolvedTripConditions = ResolvedCircuitBreakerOptions['trip'];

/** A count- or time-based window after parsing. */
export type ResolvedWindow = z.output<typeof windowSchema>;
