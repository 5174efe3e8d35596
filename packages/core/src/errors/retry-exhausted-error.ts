import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';
import { describeError } from './describe-error.js';

/** Why a retry policy gave up: it made `maxAttempts` attempts, or the retry budget had no retry left. */
export type RetryExhaustedReason = 'max-attempts' | 'budget';

/**
 * A retry policy gave up on a call that kept failing. `lastError` (also the `cause`) is the error of
 * the last attempt; `attempts` counts every attempt made, the first one included.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof RetryExhaustedError) log.warn(`gave up after ${error.attempts} attempts`, error.lastError);
 * }
 * ```
 */
export class RetryExhaustedError extends BreakwaterError {
  readonly attempts: number;
  readonly lastError: unknown;
  readonly reason: RetryExhaustedReason;

  constructor(policy: string, reason: RetryExhaustedReason, attempts: number, lastError: unknown) {
    const why = reason === 'budget' ? 'the retry budget is spent' : `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    super(ErrorCode.RetryExhausted, `"${policy}" gave up after ${why}: ${describeError(lastError)}`, { policy, cause: lastError });
    this.attempts = attempts;
    this.lastError = lastError;
    this.reason = reason;
  }
}
