import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { clockSchema, intSchema, policyNameSchema } from '../config/schema-helpers.js';

/** The single home of the bulkhead's defaults (design habit 4); TSDoc `@default`s mirror these. */
export const bulkheadDefaults = {
  maxQueue: 0,
  /** The `retryAfterMs` of a rejection before the bulkhead has seen how fast its slots free up. */
  unmeasuredRetryAfterMs: 1_000,
} as const;

/** Validates and resolves {@link BulkheadOptions}. */
export const bulkheadOptionsSchema = z
  .object({
    name: policyNameSchema,
    maxConcurrent: intSchema(1),
    maxQueue: intSchema(0).default(bulkheadDefaults.maxQueue),
    queueTimeout: durationSchema({ positive: true }).optional(),
    clock: clockSchema,
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.queueTimeout !== undefined && options.maxQueue === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['queueTimeout'],
        message: 'expected maxQueue > 0 alongside queueTimeout (with no queue nothing ever waits)',
        input: options.queueTimeout,
      });
    }
  });

/** Options after parsing: defaults applied, durations in milliseconds, frozen. */
export type ResolvedBulkheadOptions = Readonly<z.output<typeof bulkheadOptionsSchema>>;
