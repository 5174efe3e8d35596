import { parseOptions } from '../config/parse-options.js';
import type { Disposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';
import type { ExecuteOptions, Executable } from '../policy/admission.js';
import type { ObservablePolicy } from '../policy/observable-policy.js';
import { sourceOf } from './abort-scope.js';
import type { TimeoutElapsed } from './events.js';
import type { TimeoutOptions } from './options.js';
import { type ResolvedTimeoutOptions, timeoutOptionsSchema } from './options-schema.js';
import type { TimeoutSnapshot } from './snapshot.js';
import { TimeoutRunner } from './timeout-runner.js';

/**
 * A deadline for each call: the function's signal aborts when it passes, and the call rejects with
 * {@link TimeoutError} (at once when `aggressive`, once the function gives up when `cooperative`).
 * Build one with {@link timeout}.
 */
export class Timeout implements ObservablePolicy<TimeoutSnapshot> {
  readonly kind = 'timeout' as const;
  readonly name: string;
  /** Options after parsing: defaults applied, the duration in milliseconds, frozen. */
  readonly options: ResolvedTimeoutOptions;
  readonly #runner: TimeoutRunner;
  #timedOut = 0;
  /** Created on first subscription: a timeout nobody observes carries no emitter. */
  #onTimeout: Emitter<TimeoutElapsed> | undefined;

  constructor(options: TimeoutOptions) {
    this.options = parseOptions('timeout', timeoutOptionsSchema, options);
    const { name, duration, strategy, clock } = this.options;
    this.name = name;
    this.#runner = new TimeoutRunner({
      policy: name,
      timeoutMs: duration,
      strategy,
      scheduling: 'queue',
      clock,
      onTimeout: () => this.#elapsed(),
    });
  }

  /**
   * Runs `fn` under the deadline. `fn` receives a context whose `signal` aborts at the deadline or
   * when the caller's signal aborts; the AbortController behind it is built only if `fn` reads it.
   * Rejects with the caller's abort reason, without running `fn`, if their signal has already aborted.
   */
  execute<T>(fn: Executable<T>, options?: ExecuteOptions): Promise<T> {
    const source = sourceOf(options);
    if (source !== undefined && source.aborted) return Promise.reject(source.reason);
    return this.#runner.run(fn, source);
  }

  /** Subscribes to calls passing the deadline. */
  onTimeout(listener: (event: TimeoutElapsed) => void): Disposable {
    this.#onTimeout ??= new Emitter('timeout.onTimeout');
    return this.#onTimeout.subscribe(listener);
  }

  /** Figures at this instant. */
  snapshot(): TimeoutSnapshot {
    return {
      kind: 'timeout',
      name: this.name,
      health: 'healthy',
      timeoutMs: this.options.duration,
      inFlight: this.#runner.inFlight,
      timedOut: this.#timedOut,
    };
  }

  /** Clears the deadline timer and every subscription: calls in flight no longer time out. */
  close(): void {
    this.#runner.close();
    this.#onTimeout?.clear();
  }

  #elapsed(): void {
    this.#timedOut++;
    const emitter = this.#onTimeout;
    if (emitter?.hasListeners === true) emitter.emit({ policy: this.name, timeoutMs: this.options.duration });
  }
}

/**
 * Builds a {@link Timeout} policy. Options are validated once, here: a bad option throws
 * {@link ConfigError} naming it and the value received.
 *
 * @example
 * ```ts
 * import { timeout } from '@breakwater/core';
 *
 * const perAttempt = timeout({ name: 'inventory-attempt', duration: '800ms' });
 * const stock = await perAttempt.execute(({ signal }) => fetch(url, { signal }));
 * ```
 */
export function timeout(options: TimeoutOptions): Timeout {
  return new Timeout(options);
}
