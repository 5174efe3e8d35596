import { type CircuitOpenError, type CircuitRejectionReason, createCircuitOpenError } from '../errors/circuit-open-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { Rejection } from '../policy/admission.js';

/** A breaker's {@link Rejection}; its error is built on first read, without a stack trace. */
export class CircuitRejection implements Rejection {
  readonly admitted = false as const;
  readonly code = ErrorCode.CircuitOpen;
  readonly policy: string;
  readonly reason: CircuitRejectionReason;
  readonly retryAfterMs: number;
  #error: CircuitOpenError | undefined;

  constructor(policy: string, reason: CircuitRejectionReason, retryAfterMs: number) {
    this.policy = policy;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }

  get error(): CircuitOpenError {
    this.#error ??= createCircuitOpenError(this.policy, this.reason, this.retryAfterMs);
    return this.#error;
  }
}
