import { type Disposable, toDisposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';
import type { CircuitRejectionReason } from '../errors/circuit-open-error.js';
import type { BreakerStoreStatus } from '../store/breaker-state-store.js';
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

/** Every breaker event by name. */
export interface BreakerEventMap {
  stateChange: StateChange;
  success: CallSucceeded;
  failure: CallFailed;
  slowCall: SlowCall;
  reject: CallRejected;
  timeout: CallTimedOut;
  storeStatus: BreakerStoreStatus;
}

type EventName = keyof BreakerEventMap;

/**
 * The breaker's event sources, each created on first subscription: a breaker nobody observes
 * carries no emitters (memory matters when an app holds thousands of breakers).
 */
export class BreakerEvents {
  #emitters: { [K in EventName]?: Emitter<BreakerEventMap[K]> } | undefined;
  /** Whether call durations must be measured for listeners; kept current so the hot path reads one field. */
  wantsDurations = false;

  subscribe<K extends EventName>(name: K, listener: (event: BreakerEventMap[K]) => void): Disposable {
    const emitters = (this.#emitters ??= {});
    const emitter = (emitters[name] ??= new Emitter(`circuitBreaker.on${name[0]!.toUpperCase()}${name.slice(1)}`) as never) as Emitter<BreakerEventMap[K]>;
    const subscription = emitter.subscribe(listener);
    this.#refresh();
    return toDisposable(() => {
      subscription.dispose();
      this.#refresh();
    });
  }

  /** Whether anyone listens to `name`; check before building a payload. */
  has(name: EventName): boolean {
    return this.#emitters?.[name]?.hasListeners === true;
  }

  emit<K extends EventName>(name: K, event: BreakerEventMap[K]): void {
    (this.#emitters?.[name] as Emitter<BreakerEventMap[K]> | undefined)?.emit(event);
  }

  clear(): void {
    this.#emitters = undefined;
    this.wantsDurations = false;
  }

  #refresh(): void {
    this.wantsDurations = this.has('success') || this.has('failure') || this.has('slowCall');
  }
}
