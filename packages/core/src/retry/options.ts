import type { Clock } from '../clock/clock.js';
import type { Duration } from '../config/duration.js';
import type { BackoffType, Jitter } from './backoff.js';
import type { RetryBudget } from './budget.js';
import type { RetryBudgetOptions } from './budget-options.js';
import type { RetryOutcome } from './retry-after.js';

/** How long to wait between attempts. */
export interface BackoffOptions {
  /** @default 'exponential' */
  readonly type?: BackoffType;
  /** The base delay of the first retry. @default '100ms' */
  readonly initialDelay?: Duration;
  /** No delay is longer than this. @default '30s' */
  readonly maxDelay?: Duration;
  /** Growth factor of exponential backoff (>= 1). @default 2 */
  readonly multiplier?: number;
  /** @default 'full' */
  readonly jitter?: Jitter;
}

/** Honouring the waits that failed outcomes ask for (`Retry-After`, `retryAfterMs`). */
export interface RetryAfterOptions {
  /** The longest wait honoured; longer ones are cut to it. @default '60s' */
  readonly max?: Duration;
  /**
   * Reads the wait an outcome asks for, in milliseconds, or undefined. @default retryAfterOf, which
   * reads `Retry-After` headers (seconds or HTTP date) and `retryAfterMs` on errors
   */
  readonly read?: (outcome: RetryOutcome, nowMs: number) => number | undefined;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Names the policy in registries, events and errors. @default 'retry' */
  readonly name?: string;
  /** Attempts in all, the first one included (1 never retries). @default 3 */
  readonly maxAttempts?: number;
  /** @default { type: 'exponential', initialDelay: '100ms', maxDelay: '30s', multiplier: 2, jitter: 'full' } */
  readonly backoff?: BackoffOptions;
  /**
   * Which errors are retried; `attempt` is the attempt that failed (1 for the first).
   * @default every error except an open circuit breaker's rejection (`ERR_CIRCUIT_OPEN`)
   */
  readonly retryIf?: (error: unknown, attempt: number) => boolean;
  /** Which results are retried (an HTTP response with status 503, say). Off unless given. */
  readonly retryIfResult?: (result: unknown, attempt: number) => boolean;
  /**
   * Waits an outcome asks for replace the backoff delay, up to `max`; `false` ignores them.
   * @default { max: '60s' }
   */
  readonly retryAfter?: RetryAfterOptions | false;
  /**
   * Caps retries at a share of recent calls so that they cannot amplify an outage: options for a
   * budget of this policy's own, a {@link RetryBudget} shared with other policies, or `false` for none.
   * @default { ratio: 0.2, minRetriesPerSecond: 10, window: '10s' }
   */
  readonly budget?: RetryBudgetOptions | RetryBudget | false;
  /** A number in [0, 1) for jitter; inject a seeded one for deterministic tests. @default Math.random */
  readonly random?: () => number;
  /** @default systemClock */
  readonly clock?: Clock;
}
