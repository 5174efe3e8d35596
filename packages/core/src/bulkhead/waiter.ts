import { deadlineAt, type DeadlineEntry, nextEntry, previousEntry } from '../timeout/deadline-queue.js';
import type { BulkheadRejection } from './rejection.js';

/**
 * A call queued for a slot. Its promise resolves with `undefined` when a slot is handed to it, or
 * with a rejection (queue timeout, bulkhead closed); it rejects with the abort reason if the caller's
 * signal aborts first. Exactly one of these happens.
 */
export class Waiter implements DeadlineEntry {
  [deadlineAt] = 0;
  [previousEntry]: DeadlineEntry | undefined = undefined;
  [nextEntry]: DeadlineEntry | undefined = undefined;
  #resolve: ((refusal: BulkheadRejection | undefined) => void) | undefined;
  #reject: ((reason: unknown) => void) | undefined;
  #stopListening: (() => void) | undefined;

  constructor(resolve: (refusal: BulkheadRejection | undefined) => void, reject: (reason: unknown) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Keeps the unsubscribe of the caller's abort listener, dropped once the wait ends. */
  listen(stopListening: () => void): void {
    this.#stopListening = stopListening;
  }

  /** A slot is handed over (the caller now holds it), or the wait is refused. */
  end(refusal: BulkheadRejection | undefined): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#done();
    resolve(refusal);
  }

  /** The caller's signal aborted while waiting. */
  abort(reason: unknown): void {
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#done();
    reject(reason);
  }

  #done(): void {
    this.#resolve = undefined;
    this.#reject = undefined;
    const stop = this.#stopListening;
    this.#stopListening = undefined;
    stop?.();
  }
}
