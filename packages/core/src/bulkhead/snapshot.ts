import type { PolicySnapshotBase } from '../policy/observable-policy.js';

/** A bulkhead's figures at one instant, from `snapshot()`. */
export interface BulkheadSnapshot extends PolicySnapshotBase {
  readonly kind: 'bulkhead';
  /** Calls holding a slot. */
  readonly active: number;
  /** Calls waiting for a slot. */
  readonly queued: number;
  /** Calls turned away since the bulkhead was built (full, queue timeout, closed). */
  readonly rejected: number;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  /** Milliseconds until a call would be admitted (a slot or a queue place); 0 when one would be now. */
  readonly retryAfterMs: number;
}
