import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { durationSchema } from '../config/duration.js';
import type { Duration } from '../config/duration.js';
import { clockSchema } from '../config/schema-helpers.js';

/** Options of {@link retryBudget}, or of a retry policy's own `budget`. */
export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of recent calls: 0.1 lets retries add at most 10 % to the load. @default 0.2 */
  readonly ratio?: number;
  /** Retries allowed per second however few calls there are, so that quiet services still retry. @default 10 */
  readonly minRetriesPerSecond?: number;
  /** How far back "recent" reaches: calls and retries count with weight e^(−age / window). @default '10s' */
  readonly window?: Duration;
  /** @default systemClock (a retry policy's own budget uses the policy's clock) */
  readonly clock?: Clock;
}

/** The single home of the retry budget's defaults (design habit 4); TSDoc `@default`s mirror these. */
export const retryBudgetDefaults = {
  ratio: 0.2,
  minRetriesPerSecond: 10,
  windowMs: 10_000,
} as const;

const nonNegative = (what: string): z.ZodNumber =>
  z
    .number({ message: `expected a finite ${what} >= 0` })
    .min(0, { message: `expected a ${what} >= 0` })
    .max(Number.MAX_SAFE_INTEGER, { message: `expected a finite ${what}` });

/** The fields of a budget, without the clock (a retry policy supplies its own). */
export const retryBudgetShape = {
  ratio: nonNegative('number').default(retryBudgetDefaults.ratio),
  minRetriesPerSecond: nonNegative('number').default(retryBudgetDefaults.minRetriesPerSecond),
  window: durationSchema({ positive: true }).default(retryBudgetDefaults.windowMs),
};

/** Refuses a budget that could never allow a retry (both allowances zero). */
export function refineBudget(budget: { ratio: number; minRetriesPerSecond: number }, ctx: z.RefinementCtx): void {
  if (budget.ratio === 0 && budget.minRetriesPerSecond === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['ratio'],
      message: 'expected ratio or minRetriesPerSecond > 0 (this budget allows no retry; use maxAttempts: 1 for that)',
      input: budget.ratio,
    });
  }
}

/** Validates and resolves {@link RetryBudgetOptions}. */
export const retryBudgetOptionsSchema = z
  .object({ ...retryBudgetShape, clock: clockSchema })
  .strict()
  .superRefine(refineBudget);

/** Budget options after parsing: defaults applied, the window in milliseconds, frozen. */
export type ResolvedRetryBudgetOptions = Readonly<z.output<typeof retryBudgetOptionsSchema>>;
