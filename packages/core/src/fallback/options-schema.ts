import { z } from 'zod';
import { functionSchema, policyNameSchema } from '../config/schema-helpers.js';
import type { ExecutionContext } from '../policy/admission.js';

/** The single home of the fallback defaults (design habit 4); TSDoc `@default`s mirror these. */
export const fallbackDefaults = {
  name: 'fallback',
  /** The name of the single tier a `fallback()` has. */
  tierName: 'fallback',
} as const;

/** A tier (or a single fallback) has exactly one of `value` and `run`; a `value` of undefined counts as given. */
function refineValueOrRun(tier: { value?: unknown; run?: unknown }, ctx: z.RefinementCtx): void {
  const hasValue = 'value' in tier;
  if (hasValue !== (tier.run !== undefined)) return;
  ctx.addIssue({
    code: 'custom',
    path: [hasValue ? 'run' : 'value'],
    message: hasValue ? 'expected either value or run, not both' : 'expected a value or a run function',
    input: tier.run,
  });
}

const tierSchema = z
  .object({
    name: policyNameSchema,
    when: functionSchema<(error: unknown) => boolean>().optional(),
    value: z.unknown().optional(),
    run: functionSchema<(error: unknown, context: ExecutionContext) => unknown>().optional(),
  })
  .strict()
  .superRefine(refineValueOrRun);

/** Validates and resolves {@link FallbackChainOptions}. */
export const fallbackChainOptionsSchema = z
  .object({
    name: policyNameSchema.default(fallbackDefaults.name),
    tiers: z.array(tierSchema, { message: 'expected an array of tiers' }).min(1, { message: 'expected at least one tier' }),
  })
  .strict()
  .superRefine((options, ctx) => {
    const seen = new Set<string>(['primary']);
    options.tiers.forEach((tier, index) => {
      if (seen.has(tier.name)) {
        const why = tier.name === 'primary' ? '"primary" names the wrapped call' : 'tier names must be unique';
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'name'], message: `expected another name (${why})`, input: tier.name });
      }
      seen.add(tier.name);
    });
  });

/** Validates and resolves {@link FallbackOptions} (one tier, named after `fallbackDefaults.tierName`). */
export const fallbackOptionsSchema = z
  .object({
    name: policyNameSchema.default(fallbackDefaults.name),
    when: functionSchema<(error: unknown) => boolean>().optional(),
    value: z.unknown().optional(),
    run: functionSchema<(error: unknown, context: ExecutionContext) => unknown>().optional(),
  })
  .strict()
  .superRefine(refineValueOrRun);

/** A tier after parsing. */
export type ResolvedTier = z.output<typeof tierSchema>;

/** Chain options after parsing: defaults applied, frozen. */
export type ResolvedFallbackChainOptions = Readonly<z.output<typeof fallbackChainOptionsSchema>>;
