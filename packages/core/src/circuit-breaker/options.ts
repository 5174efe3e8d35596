import type { Clock } from '../clock/clock.js';
import type { Duration } from '../config/duration.js';
import type { BreakerStateStore } from '../store/breaker-state-store.js';
import type { CircuitBreakerState } from './state.js';

/** A window of the last `size` calls. */
export interface CountWindow {
  readonly type: 'count';
  /** Calls kept in the window. @default 100 */
  readonly size?: number;
}

/** A window of the calls of the last `duration`, kept in `buckets` slices rotated lazily. */
export interface TimeWindow {
  readonly type: 'time';
  /** Length of the window. @default '60s' */
  readonly duration?: Duration;
  /** Slices the window is kept in; the window moves one slice at a time. @default 10 */
  readonly buckets?: number;
}

/** A rate condition: trips when the rate over the window reaches `threshold`. */
export interface RateCondition {
  /** Rate in (0, 1] at or above which the breaker trips (0.5 = 50 %). */
  readonly threshold: number;
  /**
   * Calls the window must hold before the rate is judged.
   * @default the smaller of 10 and a count window's size
   */
  readonly minimumCalls?: number;
  /** @default { type: 'count', size: 100 } */
  readonly window?: CountWindow | TimeWindow;
}

/** Trips when the share of calls slower than `slowCallDuration` reaches `threshold`. */
export interface SlowCallRateCondition extends RateCondition {
  /** A call taking at least this long is slow (even when it succeeds). */
  readonly slowCallDuration: Duration;
}

/** Conditions that open the breaker; any one of them trips it. */
export interface TripConditions {
  /** Trips after this many failures in a row. */
  readonly consecutiveFailures?: number;
  /** Trips when the failure rate over a window reaches a threshold. */
  readonly failureRate?: RateCondition;
  /** Trips when the slow-call rate over a window reaches a threshold. */
  readonly slowCallRate?: SlowCallRateCondition;
}

/** Growth of the open duration each time a probe fails and the breaker re-opens. */
export interface RecoveryBackoff {
  /** Factor applied per consecutive re-open. @default 2 */
  readonly multiplier?: number;
  /** Upper bound of the open duration. @default '5m' */
  readonly maxRecoveryTimeout?: Duration;
}

/** Options of {@link circuitBreaker}. */
export interface CircuitBreakerOptions<TFallback = never> {
  /** Names the breaker in registries, events, errors and store keys. */
  readonly name: string;
  /** @default { consecutiveFailures: 5 } */
  readonly trip?: TripConditions;
  /** How long the breaker stays open before it admits probes. 0 admits a probe on the next call. @default '30s' */
  readonly recoveryTimeout?: Duration;
  /** Grow the open duration after failed probes. Off unless given. */
  readonly backoff?: RecoveryBackoff;
  /** Probes allowed at once in half-open; every other call is rejected at once. @default 1 */
  readonly maxProbes?: number;
  /** Successful probes needed to close; any failed probe re-opens. @default 1 */
  readonly successThreshold?: number;
  /** A probe's lease: a probe unsettled after this long frees its slot and its outcome is ignored. @default '30s' */
  readonly probeTimeout?: Duration;
  /** Per-call deadline for `execute`: the call's signal aborts and the call counts as a failure. Off unless given. */
  readonly timeout?: Duration;
  /** Which errors count as failures; others count as successes. @default every error */
  readonly isFailure?: (error: unknown) => boolean;
  /** Errors that say nothing about the dependency (validation, cancellation): the permit is released, nothing counted. */
  readonly isIgnored?: (error: unknown) => boolean;
  /** Results that count as failures (an HTTP response with status 503, say). */
  readonly isResultFailure?: (result: unknown) => boolean;
  /** Answers `execute` instead of throwing when the call is rejected or fails. */
  readonly fallback?: (error: unknown) => TFallback | PromiseLike<TFallback>;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Where the breaker's state lives. @default in-process state */
  readonly store?: BreakerStateStore;
  /** State saved earlier with `toJSON()`, to start from. */
  readonly initialState?: CircuitBreakerState;
}
