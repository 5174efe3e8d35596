import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';
import { describeError } from './describe-error.js';

/** One tier a fallback chain tried, and how it failed. The wrapped call itself is the tier `primary`. */
export interface FallbackFailure {
  readonly tier: string;
  readonly error: unknown;
}

/**
 * Every tier of a fallback chain that was tried failed. `failures` lists them in order, starting
 * with the wrapped call (`primary`); tiers whose predicate declined the error are not listed.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof AllFallbacksFailedError) for (const { tier, error: e } of error.failures) log.error(tier, e);
 * }
 * ```
 */
export class AllFallbacksFailedError extends BreakwaterError {
  readonly failures: readonly FallbackFailure[];

  constructor(policy: string, failures: readonly FallbackFailure[]) {
    const tiers = failures.map((failure) => `${failure.tier} (${describeError(failure.error)})`).join(', ');
    super(ErrorCode.AllFallbacksFailed, `"${policy}": every fallback failed: ${tiers}`, { policy, cause: failures.at(-1)?.error });
    this.failures = failures;
  }

  /** The errors alone, in the order the tiers were tried. */
  get errors(): unknown[] {
    return this.failures.map((failure) => failure.error);
  }
}
