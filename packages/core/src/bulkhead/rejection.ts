import { type BulkheadFullError, type BulkheadRejectionReason, createBulkheadFullError } from '../errors/bulkhead-full-error.js';
import { ErrorCode } from '../errors/codes.js';
import { LazyRejection } from '../policy/lazy-rejection.js';

/** A bulkhead's {@link Rejection}; its error is built on first read, without a stack trace. */
export class BulkheadRejection extends LazyRejection<BulkheadFullError> {
  readonly code = ErrorCode.BulkheadFull;
  readonly reason: BulkheadRejectionReason;

  constructor(policy: string, reason: BulkheadRejectionReason, retryAfterMs: number) {
    super(policy, retryAfterMs);
    this.reason = reason;
  }

  protected createError(): BulkheadFullError {
    return createBulkheadFullError(this.policy, this.reason, this.retryAfterMs);
  }
}
