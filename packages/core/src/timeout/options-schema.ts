import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { clockSchema, policyNameSchema } from '../config/schema-helpers.js';

/** The single home of the timeout policy's defaults (design habit 4); TSDoc `@default`s mirror these. */
export const timeoutDefaults = {
  name: 'timeout',
  strategy: 'aggressive',
} as const;

/** Validates and resolves {@link TimeoutOptions}. */
export const timeoutOptionsSchema = z
  .object({
    name: policyNameSchema.default(timeoutDefaults.name),
    duration: durationSchema({ positive: true }),
    strategy: z
      .enum(['aggressive', 'cooperative'], { message: 'expected "aggressive" or "cooperative"' })
      .default(timeoutDefaults.strategy),
    clock: clockSchema,
  })
  .strict();

/** Options after parsing: defaults applied, the duration in milliseconds, frozen. */
export type ResolvedTimeoutOptions = Readonly<z.output<typeof timeoutOptionsSchema>>;
