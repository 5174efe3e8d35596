import { BreakwaterError, instantiateError, nameErrorClass } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * Why a bulkhead turned a call away: every slot and queue place was taken (`full`), the call waited
 * in the queue for `queueTimeout` without getting a slot (`queue-timeout`), or the bulkhead was
 * closed while the call was queued (`closed`).
 */
export type BulkheadRejectionReason = 'full' | 'queue-timeout' | 'closed';

/**
 * A bulkhead rejected the call without running it.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof BulkheadFullError) res.set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
 * }
 * ```
 */
export class BulkheadFullError extends BreakwaterError {
  /** Estimated milliseconds until the bulkhead has room again: the current backlog drained at the recent release rate. */
  readonly retryAfterMs: number;
  readonly reason: BulkheadRejectionReason;

  constructor(policy: string, reason: BulkheadRejectionReason, retryAfterMs: number) {
    super(ErrorCode.BulkheadFull, describeRejection(policy, reason, retryAfterMs), { policy });
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }

  protected override describe(): string {
    return describeRejection(this.policy ?? '', this.reason, this.retryAfterMs);
  }
}
nameErrorClass(BulkheadFullError);

function describeRejection(policy: string, reason: BulkheadRejectionReason, retryAfterMs: number): string {
  return `Bulkhead "${policy}" rejected the call (${reason}); retry in ${retryAfterMs} ms`;
}

/** A {@link BulkheadFullError} built without running its constructor (see `instantiateError`). */
export function createBulkheadFullError(policy: string, reason: BulkheadRejectionReason, retryAfterMs: number): BulkheadFullError {
  return instantiateError(BulkheadFullError, { code: ErrorCode.BulkheadFull, policy, retryAfterMs, reason });
}
