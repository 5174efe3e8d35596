import type { Decision } from '../store/decision.js';
import type { QuotaPeriod } from './calendar.js';

/**
 * A quota's decision for one calendar window: the store's {@link Decision} plus which policy, window
 * and key it is about.
 *
 * @example
 * ```ts
 * const admission = await quota.acquire(req);
 * if (!admission.admitted) reply(429, { period: admission.decision.period, resetAt: admission.decision.resetAt });
 * ```
 */
export interface QuotaDecision extends Decision {
  readonly policy: string;
  readonly period: QuotaPeriod;
  /** The key counted: the client's key, prefixed by the operation when there is one. */
  readonly key: string;
}

/** One window's usage, from `usage()`. */
export interface QuotaWindowUsage {
  readonly period: QuotaPeriod;
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** Epoch ms at which the window began and at which it resets. */
  readonly windowStart: number;
  readonly resetAt: number;
}

/** Every window's usage for one key. */
export interface QuotaUsage {
  readonly policy: string;
  readonly key: string;
  /** In the order hour, day, week, month (the windows configured). */
  readonly windows: readonly QuotaWindowUsage[];
}
