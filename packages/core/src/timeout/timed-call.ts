import type { TimeoutError } from '../errors/timeout-error.js';
import { AbortScope, type AbortSource } from './abort-scope.js';
import { deadlineAt, type DeadlineEntry, nextEntry, previousEntry } from './deadline-queue.js';

/**
 * One call under a deadline: its context (an {@link AbortScope} whose signal is built only if read)
 * and its place in the deadline scheduler. For an aggressive timeout it also owns the promise the
 * caller awaits, settled exactly once: by the function, or by the deadline.
 */
export class TimedCall extends AbortScope implements DeadlineEntry {
  [deadlineAt] = 0;
  [previousEntry]: DeadlineEntry | undefined = undefined;
  [nextEntry]: DeadlineEntry | undefined = undefined;
  #timeoutError: TimeoutError | undefined;
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(parent: AbortSource | undefined) {
    super(parent);
  }

  /** The error the deadline raised, once it has passed. */
  get timeoutError(): TimeoutError | undefined {
    return this.#timeoutError;
  }

  /** Binds the promise the caller awaits (aggressive timeouts). */
  bind<T>(resolve: (value: T) => void, reject: (error: unknown) => void): void {
    this.#resolve = resolve as (value: unknown) => void;
    this.#reject = reject;
  }

  /** The deadline passed: abort the signal (if anyone built it) and reject the caller's promise. */
  timeOut(error: TimeoutError): void {
    this.#timeoutError = error;
    this.abort(error);
  }

  succeed(value: unknown): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#unbind();
    resolve(value);
  }

  fail(error: unknown): void {
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#unbind();
    reject(error);
  }

  #unbind(): void {
    this.#resolve = undefined;
    this.#reject = undefined;
  }
}
