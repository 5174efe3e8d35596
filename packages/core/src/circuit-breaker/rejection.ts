import { type CircuitOpenError, type CircuitRejectionReason, createCircuitOpenError } from '../errors/circuit-open-error.js';
import { ErrorCode } from '../errors/codes.js';
import { LazyRejection } from '../policy/lazy-rejection.js';

/** A breaker's {@link Rejection}; its error is built on first read, without a stack trace. */
export class CircuitRejection extends LazyRejection<CircuitOpenError> {
  readonly code = ErrorCode.CircuitOpen;
  readonly reason: CircuitRejectionReason;

  constructor(policy: string, reason: CircuitRejectionReason, retryAfterMs: number) {
    super(policy, retryAfterMs);
    this.reason = reason;
  }

  protected createError(): CircuitOpenError {
    return createCircuitOpenError(this.policy, this.reason, this.retryAfterMs);
  }
}
