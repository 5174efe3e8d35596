import { Emitter } from '../events/emitter.js';
import type { CircuitRejectionReason } from '../errors/circuit-open-error.js';
import type { StateChange } from './state.js';

/** A call counted as a success. */
export interface CallSucceeded {
  readonly breaker: string;
  /** Duration of the call, or NaN when the call started before anyone listened. */
  readonly durationMs: number;
}

/** A call counted as a failure. */
export interface CallFailed {
  readonly breaker: string;
  readonly error: unknown;
  readonly durationMs: number;
}

/** A call took at least the slow-call duration. */
export interface SlowCall {
  readonly breaker: string;
  readonly durationMs: number;
  readonly slowCallDurationMs: number;
}

/** A call was turned away. */
export interface CallRejected {
  readonly breaker: string;
  readonly reason: CircuitRejectionReason;
  readonly retryAfterMs: number;
}

/** A call passed the breaker's `timeout`. */
export interface CallTimedOut {
  readonly breaker: string;
  readonly timeoutMs: number;
}

/** The breaker's event sources. */
export class BreakerEvents {
  readonly stateChange = new Emitter<StateChange>('circuitBreaker.onStateChange');
  readonly success = new Emitter<CallSucceeded>('circuitBreaker.onSuccess');
  readonly failure = new Emitter<CallFailed>('circuitBreaker.onFailure');
  readonly slowCall = new Emitter<SlowCall>('circuitBreaker.onSlowCall');
  readonly reject = new Emitter<CallRejected>('circuitBreaker.onReject');
  readonly timeout = new Emitter<CallTimedOut>('circuitBreaker.onTimeout');

  /** Whether call durations must be measured for listeners. */
  get wantsDurations(): boolean {
    return this.success.hasListeners || this.failure.hasListeners || this.slowCall.hasListeners;
  }

  clear(): void {
    for (const emitter of [this.stateChange, this.success, this.failure, this.slowCall, this.reject, this.timeout]) {
      emitter.clear();
    }
  }
}
