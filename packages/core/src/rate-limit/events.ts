import type { RateLimitRejectionReason } from '../errors/rate-limited-error.js';
import type { StoreFailure } from '../store/outage-guard.js';
import type { RateLimitDecision } from './decision.js';

/** A limit refused a call; in shadow mode the call still ran. */
export interface RateLimitExceeded {
  readonly policy: string;
  /** The most restrictive limit's decision. */
  readonly decision: RateLimitDecision;
  /** True when shadow mode let the call through anyway. */
  readonly shadow: boolean;
}

/** A refused call was queued to wait for capacity. */
export interface RateLimitDelayed {
  readonly policy: string;
  /** The decision that made it wait, or undefined when it queued behind earlier waiters for its key. */
  readonly decision: RateLimitDecision | undefined;
  /** Calls waiting now, this one included. */
  readonly queueDepth: number;
}

/** A call was turned away. */
export interface RateLimitRejected {
  readonly policy: string;
  readonly reason: RateLimitRejectionReason;
  readonly retryAfterMs: number;
  readonly decision: RateLimitDecision | undefined;
}

/** Every rate-limit event by name. */
export interface RateLimitEventMap {
  storeFailure: StoreFailure;
  limit: RateLimitExceeded;
  delay: RateLimitDelayed;
  reject: RateLimitRejected;
}
