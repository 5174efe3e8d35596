import type { Clock } from '../clock/clock.js';
import { parseOptions } from '../config/parse-options.js';
import { type CircuitOpenError, createCircuitOpenError } from '../errors/circuit-open-error.js';
import { ConfigError } from '../errors/config-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { type Disposable, toDisposable } from '../events/disposable.js';
import type { ExecuteOptions, Executable, Permit } from '../policy/admission.js';
import type { ObservablePolicy } from '../policy/observable-policy.js';
import type { BreakerCommand, BreakerStateHandle, BreakerStoreStatus, BreakerTicket } from '../store/breaker-state-store.js';
import { memoryBreakerStateStore } from '../store/memory-breaker-state-store.js';
import { passiveContext } from '../policy/call-context.js';
import { contextOf, sourceOf } from '../timeout/abort-scope.js';
import { TimeoutRunner } from '../timeout/timeout-runner.js';
import { BreakerEvents, type CallFailed, type CallRejected, type CallSucceeded, type CallTimedOut, type SlowCall } from './events.js';
import type { CircuitBreakerOptions } from './options.js';
import { circuitBreakerOptionsSchema, type ResolvedCircuitBreakerOptions } from './options-schema.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { BreakerPermit } from './permit.js';
import { CircuitRejection } from './rejection.js';
import { type CircuitBreakerSnapshot, toSnapshot } from './snapshot.js';
import type { CircuitBreakerState, CircuitStateName, StateChange } from './state.js';

/** What a breaker's `acquire()` returns: a permit, or a rejection whose error is a `CircuitOpenError`. */
export type BreakerAdmission = Permit | CircuitRejection;

/**
 * A circuit breaker: stops calling a failing dependency, then probes it until it recovers.
 * Build one with {@link circuitBreaker}.
 */
export class CircuitBreaker<TFallback = never> implements ObservablePolicy<CircuitBreakerSnapshot> {
  readonly kind = 'circuit-breaker' as const;
  readonly name: string;
  /** Options after parsing: defaults applied, durations in milliseconds, frozen. */
  readonly options: ResolvedCircuitBreakerOptions;
  readonly #clock: Clock;
  readonly #handle: BreakerStateHandle;
  readonly #events = new BreakerEvents();
  readonly #recorder: OutcomeRecorder;
  /** Runs calls under the `timeout` option, if given: the code the timeout policy shares. */
  readonly #timeout: TimeoutRunner | undefined;
  readonly #fallback: ((error: unknown) => TFallback | PromiseLike<TFallback>) | undefined;
  #override: { command: BreakerCommand; holders: number } | undefined;

  constructor(options: CircuitBreakerOptions<TFallback>) {
    this.options = parseOptions('circuitBreaker', circuitBreakerOptionsSchema, options);
    const resolved = this.options;
    this.name = resolved.name;
    this.#clock = resolved.clock;
    this.#timeout = resolved.timeout === undefined ? undefined : this.#timeoutRunner(resolved.timeout);
    this.#fallback = resolved.fallback as ((error: unknown) => TFallback | PromiseLike<TFallback>) | undefined;
    this.#handle = (resolved.store ?? memoryBreakerStateStore).bindBreaker({
      spec: resolved,
      clock: resolved.clock,
      onStateChange: (change) => this.#onStateChange(change),
      onStoreStatus: (event) => {
        if (this.#events.has('storeStatus')) this.#events.emit('storeStatus', event);
      },
    });
    this.#recorder = new OutcomeRecorder(resolved, this.#handle, this.#events);
    if (resolved.initialState !== undefined && !this.#seed(resolved.initialState as CircuitBreakerState)) {
      throw new ConfigError([
        {
          path: 'circuitBreaker.initialState',
          message: 'expected state saved by toJSON() of a breaker with the same trip conditions',
          received: resolved.initialState,
        },
      ]);
    }
  }

  /** The current state. */
  get state(): CircuitStateName {
    return this.#handle.view().state;
  }

  /**
   * Asks to run one call. Returns a {@link Permit} to settle when the call ends, or a rejection.
   * Synchronous with the in-process store; a shared store may need a round trip to lease a probe,
   * so `await` the result to stay store-agnostic.
   */
  acquire(): BreakerAdmission | Promise<BreakerAdmission> {
    const ticket = this.#handle.admit();
    if (ticket instanceof Promise) return ticket.then((resolved) => this.#admission(resolved));
    return this.#admission(ticket);
  }

  /**
   * Runs `fn` through the breaker. Rejects with {@link CircuitOpenError} (or answers with the
   * fallback) when the breaker turns the call away.
   */
  async execute<T>(fn: Executable<T>, options?: ExecuteOptions): Promise<T | TFallback> {
    // One async frame for the whole call: every extra promise hop shows on the success path.
    let ticket = this.#handle.admit();
    if (ticket instanceof Promise) ticket = await ticket;
    if (ticket === null) {
      const error = this.#rejectionError();
      if (this.#fallback === undefined) throw error;
      return this.#fallback(error);
    }
    // The caller's signal, or the scope of a timeout further out in a pipeline (its signal built only if read).
    const source = options === undefined ? undefined : sourceOf(options);
    if (source?.aborted) {
      this.#recorder.release(ticket);
      throw source.reason;
    }
    const recorder = this.#recorder;
    const startedAt = recorder.start();
    let result: T;
    try {
      result =
        this.#timeout !== undefined
          ? await this.#timeout.run(fn, source)
          : await fn(source === undefined ? passiveContext : contextOf(source));
    } catch (error) {
      // The caller gave up: that says nothing about the dependency, so the slot is released.
      if (source?.aborted && !(error instanceof TimeoutError)) recorder.release(ticket);
      else recorder.failure(ticket, startedAt, error);
      if (this.#fallback !== undefined) return this.#fallback(error);
      throw error;
    }
    recorder.success(ticket, startedAt, result);
    return result;
  }

  /** Subscribes to state changes. */
  onStateChange(listener: (change: StateChange) => void): Disposable {
    return this.#events.subscribe('stateChange', listener);
  }
  /** Subscribes to calls counted as successes. */
  onSuccess(listener: (event: CallSucceeded) => void): Disposable {
    return this.#events.subscribe('success', listener);
  }
  /** Subscribes to calls counted as failures. */
  onFailure(listener: (event: CallFailed) => void): Disposable {
    return this.#events.subscribe('failure', listener);
  }
  /** Subscribes to slow calls (needs `trip.slowCallRate`). */
  onSlowCall(listener: (event: SlowCall) => void): Disposable {
    return this.#events.subscribe('slowCall', listener);
  }
  /** Subscribes to rejected calls. */
  onReject(listener: (event: CallRejected) => void): Disposable {
    return this.#events.subscribe('reject', listener);
  }
  /** Subscribes to calls that passed `timeout`. */
  onTimeout(listener: (event: CallTimedOut) => void): Disposable {
    return this.#events.subscribe('timeout', listener);
  }

  /**
   * Subscribes to a shared store's status: `local` when the store became unreachable and the breaker
   * went on in process, `shared` when it rejoined the shared state. Never fires with an in-process store.
   */
  onStoreStatus(listener: (event: BreakerStoreStatus) => void): Disposable {
    return this.#events.subscribe('storeStatus', listener);
  }

  /** Figures at this instant. */
  snapshot(): CircuitBreakerSnapshot {
    const view = this.#handle.view();
    const admitsAll = view.state === 'closed' || view.state === 'disabled' || view.state === 'metrics-only';
    const retryAfterMs = admitsAll ? 0 : this.#handle.rejection().retryAfterMs;
    return toSnapshot(this.name, view, this.#clock.now(), retryAfterMs);
  }

  /** Closes the breaker and clears its counts, ending any isolation, disabling or metrics-only mode. */
  reset(): void {
    this.#override = undefined;
    this.#handle.command('reset');
  }

  /** Forces the breaker open until every isolation returned here is disposed. */
  isolate(): Disposable {
    return this.#hold('isolate');
  }

  /** Lets every call through and records nothing until disposed (or `reset()`). */
  disable(): Disposable {
    return this.#hold('disable');
  }

  /** Records and reports but never rejects, until disposed (or `reset()`). */
  metricsOnly(): Disposable {
    return this.#hold('metrics-only');
  }

  /** The state as plain JSON, for `initialState` or {@link CircuitBreaker.restore}. */
  toJSON(): CircuitBreakerState {
    return this.#handle.toJSON();
  }

  /** Replaces the state with saved state; throws {@link ConfigError} when it does not fit. */
  restore(state: CircuitBreakerState): void {
    if (!this.#handle.restore(state)) {
      throw new ConfigError([
        { path: 'circuitBreaker.restore', message: 'expected state saved by toJSON() of a breaker with the same trip conditions', received: state },
      ]);
    }
    this.#override = undefined;
  }

  /** Clears timers of in-flight timeouts and every subscription; the breaker keeps no other timer. */
  close(): void {
    this.#timeout?.close();
    this.#events.clear();
    this.#handle.close();
  }

  // The refusal is a method of its own so that `#admission` stays small: V8 inlines `acquire` and
  // `#admission` into the HTTP guard pipeline, whose inlining budget is then left for the permit's
  // constructor.
  #admission(ticket: BreakerTicket | null): BreakerAdmission {
    if (ticket === null) return this.#rejection();
    return new BreakerPermit(this.name, this.#recorder, ticket, this.#recorder.start());
  }

  #rejection(): CircuitRejection {
    const { reason, retryAfterMs } = this.#handle.rejection();
    this.#emitReject(reason, retryAfterMs);
    return new CircuitRejection(this.name, reason, retryAfterMs);
  }

  /**
   * Aggressive timeout: rejects at the deadline even if `fn` ignores its signal, and aborts the signal.
   * One timer per timed call (`per-call` scheduling), cleared when the call settles.
   */
  #timeoutRunner(timeoutMs: number): TimeoutRunner {
    return new TimeoutRunner({
      policy: this.name,
      timeoutMs,
      strategy: 'aggressive',
      scheduling: 'per-call',
      clock: this.#clock,
      onTimeout: () => {
        if (this.#events.has('timeout')) this.#events.emit('timeout', { breaker: this.name, timeoutMs });
      },
    });
  }

  #rejectionError(): CircuitOpenError {
    const { reason, retryAfterMs } = this.#handle.rejection();
    this.#emitReject(reason, retryAfterMs);
    return createCircuitOpenError(this.name, reason, retryAfterMs);
  }

  #emitReject(reason: CallRejected['reason'], retryAfterMs: number): void {
    if (this.#events.has('reject')) this.#events.emit('reject', { breaker: this.name, reason, retryAfterMs });
  }

  #hold(command: Exclude<BreakerCommand, 'reset'>): Disposable {
    if (this.#override?.command !== command) {
      this.#override = { command, holders: 0 };
      this.#handle.command(command);
    }
    const override = this.#override;
    override.holders++;
    return toDisposable(() => {
      // A later reset() or a different command has already replaced this override.
      if (this.#override !== override || --override.holders > 0) return;
      this.#override = undefined;
      this.#handle.command('reset');
    });
  }

  #seed(state: CircuitBreakerState): boolean {
    const handle = this.#handle;
    return handle.seed !== undefined ? handle.seed(state) : handle.restore(state);
  }

  #onStateChange(change: StateChange): void {
    if (this.#events.has('stateChange')) this.#events.emit('stateChange', change);
  }
}

/**
 * Builds a {@link CircuitBreaker}. Options are validated once, here: a bad option throws
 * {@link ConfigError} naming it and the value received.
 *
 * @example
 * ```ts
 * import { circuitBreaker } from '@breakwater/core';
 *
 * const payments = circuitBreaker({
 *   name: 'payments',
 *   trip: { consecutiveFailures: 5, failureRate: { threshold: 0.5, minimumCalls: 20, window: { type: 'time', duration: '30s' } } },
 *   recoveryTimeout: '10s',
 *   backoff: { multiplier: 2, maxRecoveryTimeout: '2m' },
 *   maxProbes: 2,
 *   timeout: '2s',
 * });
 *
 * const receipt = await payments.execute(({ signal }) => fetch(url, { signal }));
 * ```
 */
export function circuitBreaker<TFallback = never>(options: CircuitBreakerOptions<TFallback>): CircuitBreaker<TFallback> {
  return new CircuitBreaker(options);
}
