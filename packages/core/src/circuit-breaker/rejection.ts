import { CircuitOpenError, type CircuitRejectionReason } from '../errors/circuit-open-error.js';
import { ErrorCode } from '../errors/codes.js';
import { withoutStackTrace } from '../errors/breakwater-error.js';
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

/** A {@link CircuitOpenError} without a stack trace: rejections are control flow on a hot path. */
export function createCircuitOpenError(policy: string, reason: CircuitRejectionReason, retryAfterMs: number): CircuitOpenError {
  return withoutStackTrace(() => new CircuitOpenError(policy, reason, retryAfterMs));
}
