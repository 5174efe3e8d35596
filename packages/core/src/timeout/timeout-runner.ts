import type { Clock } from '../clock/clock.js';
import { withoutStackTrace } from '../errors/breakwater-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { Executable } from '../policy/admission.js';
import type { AbortSource } from './abort-scope.js';
import { DeadlineQueue, type DeadlineScheduler } from './deadline-queue.js';
import { TimedCall } from './timed-call.js';
import { TimerPerCall } from './timer-per-call.js';

/**
 * `aggressive`: the call rejects with {@link TimeoutError} at the deadline even if the function
 * ignores its signal (which is aborted). `cooperative`: the signal is aborted at the deadline and the
 * call settles when the function does; a function that rejects after the deadline rejects with the
 * `TimeoutError`, one that still resolves keeps its value.
 */
export type TimeoutStrategy = 'aggressive' | 'cooperative';

/** How deadlines are kept: one timer for a FIFO of calls (`queue`), or one timer per call (`per-call`). */
export type DeadlineScheduling = 'queue' | 'per-call';

/** What a {@link TimeoutRunner} needs. */
export interface TimeoutRunnerSpec {
  /** Names the policy in the {@link TimeoutError}. */
  readonly policy: string;
  readonly timeoutMs: number;
  readonly strategy: TimeoutStrategy;
  readonly scheduling: DeadlineScheduling;
  readonly clock: Clock;
  /** Called at each deadline, after the call's signal was aborted and before its promise rejects. */
  readonly onTimeout: (error: TimeoutError) => void;
}

/**
 * Runs functions under a deadline: the code the timeout policy and the circuit breaker's `timeout`
 * option share. The function receives a {@link TimedCall} as its context, whose AbortController is
 * built only if it reads `signal`; nothing is aborted on success.
 */
export class TimeoutRunner {
  readonly #spec: TimeoutRunnerSpec;
  readonly #scheduler: DeadlineScheduler<TimedCall>;
  readonly #aggressive: boolean;

  constructor(spec: TimeoutRunnerSpec) {
    this.#spec = spec;
    this.#aggressive = spec.strategy === 'aggressive';
    const expire = (call: TimedCall): void => this.#expire(call);
    this.#scheduler =
      spec.scheduling === 'queue' ? new DeadlineQueue(spec.clock, spec.timeoutMs, expire) : new TimerPerCall(spec.clock, spec.timeoutMs, expire);
  }

  /** Calls started and not yet settled or timed out. */
  get inFlight(): number {
    return this.#scheduler.size;
  }

  run<T>(fn: Executable<T>, source: AbortSource | undefined): Promise<T> {
    return this.#aggressive ? this.#runAggressive(fn, source) : this.#runCooperative(fn, source);
  }

  /** Clears the timers of calls in flight: they no longer time out. */
  close(): void {
    this.#scheduler.close();
  }

  #runAggressive<T>(fn: Executable<T>, source: AbortSource | undefined): Promise<T> {
    const call = new TimedCall(source);
    const promise = new Promise<T>((resolve, reject) => call.bind<T>(resolve, reject));
    this.#scheduler.add(call);
    try {
      const result = fn(call);
      if (isThenable(result)) {
        result.then(
          (value) => (this.#finish(call), call.succeed(value)),
          (error: unknown) => (this.#finish(call), call.fail(error)),
        );
      } else {
        this.#finish(call);
        call.succeed(result);
      }
    } catch (error) {
      this.#finish(call);
      call.fail(error);
    }
    return promise;
  }

  async #runCooperative<T>(fn: Executable<T>, source: AbortSource | undefined): Promise<T> {
    const call = new TimedCall(source);
    this.#scheduler.add(call);
    try {
      return await fn(call);
    } catch (error) {
      // After the deadline, whatever the function threw is the consequence of its aborted signal.
      throw call.timeoutError ?? error;
    } finally {
      this.#finish(call);
    }
  }

  #finish(call: TimedCall): void {
    this.#scheduler.remove(call);
    call.dispose();
  }

  #expire(call: TimedCall): void {
    const { policy, timeoutMs } = this.#spec;
    // The stack of a timer callback says nothing about the call: skip the ~4 µs capture.
    const error = withoutStackTrace(() => new TimeoutError(policy, timeoutMs));
    call.timeOut(error);
    this.#spec.onTimeout(error);
    call.fail(error);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  return value !== null && typeof (value as PromiseLike<T>).then === 'function';
}
