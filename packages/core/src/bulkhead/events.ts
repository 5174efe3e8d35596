import type { BulkheadRejectionReason } from '../errors/bulkhead-full-error.js';

/** A bulkhead turned a call away. */
export interface BulkheadRejected {
  readonly policy: string;
  readonly reason: BulkheadRejectionReason;
  readonly retryAfterMs: number;
  /** Calls holding a slot and waiting, when it happened. */
  readonly active: number;
  readonly queued: number;
}
