import { type BulkheadFullError, type BulkheadRejectionReason, createBulkheadFullError } from '../errors/bulkhead-full-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { Rejection } from '../policy/admission.js';

/** A bulkhead's {@link Rejection}; its error is built on first read, without a stack trace. */
export class BulkheadRejection implements Rejection {
  readonly admitted = false as const;
  readonly code = ErrorCode.BulkheadFull;
  readonly policy: string;
  readonly reason: BulkheadRejectionReason;
  readonly retryAfterMs: number;
  #error: BulkheadFullError | undefined;

  constructor(policy: string, reason: BulkheadRejectionReason, retryAfterMs: number) {
    this.policy = policy;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }

  get error(): BulkheadFullError {
    this.#error ??= createBulkheadFullError(this.policy, this.reason, this.retryAfterMs);
    return this.#error;
  }
}
