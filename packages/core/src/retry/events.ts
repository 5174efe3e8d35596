import type { RetryExhaustedReason } from '../errors/retry-exhausted-error.js';
import type { RetryOutcome } from './retry-after.js';

/** An attempt failed and another one is scheduled. */
export interface RetryScheduled {
  readonly policy: string;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** The wait before the next attempt. */
  readonly delayMs: number;
  readonly outcome: RetryOutcome;
}

/** The policy stopped retrying a call that still failed. */
export interface RetryGaveUp {
  readonly policy: string;
  /** Attempts made, the first one included. */
  readonly attempts: number;
  readonly reason: RetryExhaustedReason;
  readonly outcome: RetryOutcome;
}
