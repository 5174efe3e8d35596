import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { clockSchema, functionSchema, intSchema, policyNameSchema } from '../config/schema-helpers.js';
import type { Store } from '../store/store.js';
import { limitCountSchema, limitNameSchema, storeErrorModeSchema, storeSchema, wholeMsSchema } from './schema-parts.js';

/** The single home of the rate limit's defaults; TSDoc `@default`s mirror these. */
export const rateLimitDefaults = {
  refillIntervalMs: 1_000,
  cost: 1,
  shadow: false,
  maxWaitMs: 1_000,
  maxQueue: 100,
  onStoreError: 'failOpen',
} as const;

/** Largest product of a limit's count and its duration in ms: keeps the arithmetic exact (< 2^53). */
export const maxExactProduct = 2 ** 50;
const key = functionSchema<(input: unknown) => string>().optional();

const tokenBucketSchema = z
  .object({
    algorithm: z.literal('token-bucket'),
    name: limitNameSchema.optional(),
    key,
    capacity: limitCountSchema,
    refillRate: limitCountSchema,
    refillInterval: wholeMsSchema.default(rateLimitDefaults.refillIntervalMs),
  })
  .strict()
  .superRefine((limit, ctx) => checkProduct(ctx, 'capacity', limit.capacity, limit.refillInterval, 'refillInterval'));

const gcraSchema = z
  .object({
    algorithm: z.literal('gcra'),
    name: limitNameSchema.optional(),
    key,
    limit: limitCountSchema,
    period: wholeMsSchema,
    burst: limitCountSchema.optional(),
  })
  .strict()
  .transform((limit) => ({ ...limit, burst: limit.burst ?? limit.limit }))
  .superRefine((limit, ctx) => checkProduct(ctx, 'burst', limit.burst, limit.period, 'period'));

function windowSchema<A extends 'sliding-window' | 'fixed-window'>(algorithm: A) {
  return z
    .object({ algorithm: z.literal(algorithm), name: limitNameSchema.optional(), key, limit: limitCountSchema, window: wholeMsSchema })
    .strict()
    .superRefine((limit, ctx) => checkProduct(ctx, 'limit', limit.limit, limit.window, 'window'));
}

function checkProduct(ctx: z.RefinementCtx, path: string, count: number, durationMs: number, durationName: string): void {
  if (count * durationMs <= maxExactProduct) return;
  ctx.addIssue({ code: 'custom', path: [path], input: count, message: `expected ${path} × ${durationName} (ms) <= 2^50, to keep counts exact` });
}

const limitSchema = z.preprocess(
  (value) => (isObject(value) && !('algorithm' in value) ? { algorithm: 'token-bucket', ...value } : value),
  z.discriminatedUnion('algorithm', [tokenBucketSchema, gcraSchema, windowSchema('sliding-window'), windowSchema('fixed-window')], {
    message: 'expected algorithm "token-bucket", "gcra", "sliding-window" or "fixed-window"',
  }),
);

const keyListSchema = z.union([z.array(z.string({ message: 'expected a string key' })), functionSchema<(input: unknown) => boolean>()], {
  message: 'expected an array of keys or a predicate function',
});

const delaySchema = z
  .object({
    maxWait: durationSchema().default(rateLimitDefaults.maxWaitMs),
    maxQueue: intSchema(0, 1_000_000).default(rateLimitDefaults.maxQueue),
  })
  .strict();

/** Validates and resolves {@link RateLimitOptions}. */
export const rateLimitOptionsSchema = z
  .object({
    name: policyNameSchema,
    limits: z.array(limitSchema, { message: 'expected an array of limits' }).min(1, { message: 'expected at least one limit' }).max(32, {
      message: 'expected at most 32 limits',
    }),
    cost: z.union([intSchema(0), functionSchema<(input: unknown) => number>()], { message: 'expected an integer >= 0 or a function' }).default(rateLimitDefaults.cost),
    allow: keyListSchema.optional(),
    deny: keyListSchema.optional(),
    shadow: z.boolean({ message: 'expected a boolean' }).default(rateLimitDefaults.shadow),
    delay: delaySchema.optional(),
    store: storeSchema.optional() as z.ZodOptional<z.ZodType<Store, Store>>,
    onStoreError: storeErrorModeSchema.default(rateLimitDefaults.onStoreError),
    clock: clockSchema,
  })
  .strict()
  .transform((options) => ({ ...options, limits: options.limits.map((limit, i) => ({ ...limit, name: limit.name ?? `limit-${i + 1}` })) }))
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    options.limits.forEach((limit, i) => {
      if (seen.has(limit.name)) ctx.addIssue({ code: 'custom', path: ['limits', i, 'name'], input: limit.name, message: 'expected a name no other limit has' });
      seen.add(limit.name);
    });
  });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Options after parsing: defaults applied, durations in milliseconds, every limit named, frozen. */
export type ResolvedRateLimitOptions = Readonly<z.output<typeof rateLimitOptionsSchema>>;

/** One limit after parsing. */
export type ResolvedLimit = ResolvedRateLimitOptions['limits'][number];
