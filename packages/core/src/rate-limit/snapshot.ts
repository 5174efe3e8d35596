import type { PolicySnapshotBase } from '../policy/observable-policy.js';
import type { StoreStats } from '../store/store.js';

/** A rate limit's figures at one instant, from `snapshot()`. */
export interface RateLimitSnapshot extends PolicySnapshotBase {
  readonly kind: 'rate-limit';
  /** Calls admitted (allow-listed, delayed-then-admitted and shadowed calls included). */
  readonly allowed: number;
  /** Calls a limit refused (shadowed and delayed calls included). */
  readonly limited: number;
  /** Calls turned away: refused, denied, queue full, waited too long. */
  readonly rejected: number;
  /** Calls that were queued to wait for capacity. */
  readonly delayed: number;
  /** Calls a limit refused that shadow mode let through. */
  readonly shadowed: number;
  /** Calls waiting in the delay queue now. */
  readonly queued: number;
  /** The store's figures (keys, evictions), when it reports them. */
  readonly store: StoreStats | null;
}

/** A rate limit's running counts. */
export class RateLimitCounts {
  allowed = 0;
  limited = 0;
  rejected = 0;
  delayed = 0;
  shadowed = 0;
}
