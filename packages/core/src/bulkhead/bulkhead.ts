import type { Clock } from '../clock/clock.js';
import { parseOptions } from '../config/parse-options.js';
import type { BulkheadRejectionReason } from '../errors/bulkhead-full-error.js';
import type { Disposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';
import type { ExecuteOptions, Executable, Permit } from '../policy/admission.js';
import type { ObservablePolicy } from '../policy/observable-policy.js';
import { type AbortSource, contextOf, onAbort, sourceOf } from '../timeout/abort-scope.js';
import { DeadlineQueue } from '../timeout/deadline-queue.js';
import { DrainEstimator } from './drain-estimator.js';
import type { BulkheadRejected } from './events.js';
import type { BulkheadOptions } from './options.js';
import { bulkheadDefaults, bulkheadOptionsSchema, type ResolvedBulkheadOptions } from './options-schema.js';
import { BulkheadPermit } from './permit.js';
import { BulkheadRejection } from './rejection.js';
import type { BulkheadSnapshot } from './snapshot.js';
import { Waiter } from './waiter.js';

/** What a bulkhead's `acquire()` returns: a permit holding a slot, or a rejection whose error is a `BulkheadFullError`. */
export type BulkheadAdmission = Permit | BulkheadRejection;

/**
 * A concurrency cap: at most `maxConcurrent` calls run at once, up to `maxQueue` more wait in line
 * (FIFO) for a slot, and the rest are rejected at once. Build one with {@link bulkhead}.
 */
export class Bulkhead implements ObservablePolicy<BulkheadSnapshot> {
  readonly kind = 'bulkhead' as const;
  readonly name: string;
  /** Options after parsing: defaults applied, durations in milliseconds, frozen. */
  readonly options: ResolvedBulkheadOptions;
  readonly #clock: Clock;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #queue: DeadlineQueue<Waiter>;
  readonly #drain = new DrainEstimator(bulkheadDefaults.unmeasuredRetryAfterMs);
  readonly #releaseSlot = (): void => this.#release();
  /** Settlement handlers shared by every `execute`: no closure per call. */
  readonly #releaseWithValue = <T>(value: T): T => (this.#release(), value);
  readonly #releaseWithError = (error: unknown): never => {
    this.#release();
    throw error;
  };
  #active = 0;
  #rejected = 0;
  /** Created on first subscription: a bulkhead nobody observes carries no emitter. */
  #onReject: Emitter<BulkheadRejected> | undefined;

  constructor(options: BulkheadOptions) {
    this.options = parseOptions('bulkhead', bulkheadOptionsSchema, options);
    this.name = this.options.name;
    this.#clock = this.options.clock;
    this.#maxConcurrent = this.options.maxConcurrent;
    this.#maxQueue = this.options.maxQueue;
    this.#queue = new DeadlineQueue(this.#clock, this.options.queueTimeout, (waiter) => waiter.end(this.#refuse('queue-timeout')));
  }

  /**
   * Asks for a slot. Returns a {@link Permit} at once when one is free, a rejection at once when the
   * queue is full too, and otherwise a promise of either (queued). Release the permit exactly once
   * (`success`, `failure` and `release` all free the slot). The promise rejects with the abort reason
   * if `options.signal` aborts while queued: the waiter leaves the queue at once.
   */
  acquire(options?: ExecuteOptions): BulkheadAdmission | Promise<BulkheadAdmission> {
    const source = sourceOf(options);
    if (source?.aborted === true) return Promise.reject(source.reason);
    if (this.#active < this.#maxConcurrent) {
      this.#active++;
      return new BulkheadPermit(this.name, this.#releaseSlot);
    }
    return this.#acquireQueued(source);
  }

  /**
   * Runs `fn` in a slot, queueing for one if need be. Rejects with {@link BulkheadFullError} when the
   * bulkhead and its queue are full or the queue timeout passes, and with the abort reason when the
   * caller's signal aborts first.
   */
  execute<T>(fn: Executable<T>, options?: ExecuteOptions): Promise<T> {
    const source = sourceOf(options);
    if (source?.aborted === true) return Promise.reject(source.reason);
    if (this.#active < this.#maxConcurrent) {
      this.#active++;
      return this.#run(fn, source);
    }
    return this.#runQueued(fn, source);
  }

  /**
   * {@link Bulkhead.acquire} when every slot is taken: a place in the queue, or the refusal. Apart
   * so that `acquire` stays small enough for V8 to inline it into the HTTP guard pipeline whole.
   */
  #acquireQueued(source: AbortSource | undefined): BulkheadAdmission | Promise<BulkheadAdmission> {
    if (this.#queue.size >= this.#maxQueue) return this.#refuse('full');
    return this.#wait(source).then((refusal) => refusal ?? new BulkheadPermit(this.name, this.#releaseSlot));
  }

  /** Subscribes to rejected calls. */
  onReject(listener: (event: BulkheadRejected) => void): Disposable {
    this.#onReject ??= new Emitter('bulkhead.onReject');
    return this.#onReject.subscribe(listener);
  }

  /** Figures at this instant. */
  snapshot(): BulkheadSnapshot {
    const full = this.#active >= this.#maxConcurrent;
    return {
      kind: 'bulkhead',
      name: this.name,
      health: full ? 'degraded' : 'healthy',
      active: this.#active,
      queued: this.#queue.size,
      rejected: this.#rejected,
      maxConcurrent: this.#maxConcurrent,
      maxQueue: this.#maxQueue,
      retryAfterMs: full && this.#queue.size >= this.#maxQueue ? this.#retryAfterMs() : 0,
    };
  }

  /**
   * Rejects every queued call (reason `closed`), clears the queue-timeout timer and every
   * subscription. Running calls finish normally and free their slots; the bulkhead stays usable.
   */
  close(): void {
    this.#queue.close();
    for (let waiter = this.#queue.shift(); waiter !== undefined; waiter = this.#queue.shift()) waiter.end(this.#refuse('closed'));
    this.#onReject?.clear();
  }

  /** Runs `fn` in the slot the caller holds and frees it when `fn` settles. */
  #run<T>(fn: Executable<T>, source: AbortSource | undefined): Promise<T> {
    let result: T | PromiseLike<T>;
    try {
      result = fn(contextOf(source));
    } catch (error) {
      this.#release();
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(this.#releaseWithValue, this.#releaseWithError);
  }

  async #runQueued<T>(fn: Executable<T>, source: AbortSource | undefined): Promise<T> {
    if (this.#queue.size >= this.#maxQueue) throw this.#refuse('full').error;
    const refusal = await this.#wait(source);
    if (refusal !== undefined) throw refusal.error;
    if (source?.aborted === true) {
      this.#release();
      throw source.reason;
    }
    return this.#run(fn, source);
  }

  /** Queues for a slot; see {@link Waiter}. */
  #wait(source: AbortSource | undefined): Promise<BulkheadRejection | undefined> {
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(resolve, reject);
      this.#queue.add(waiter);
      if (source === undefined) return;
      waiter.listen(
        onAbort(source, () => {
          // Leave the queue at once: the place is free for the next caller.
          if (this.#queue.remove(waiter)) waiter.abort(source.reason);
        }),
      );
    });
  }

  /** Frees a slot, handing it straight to the oldest waiter if there is one. */
  #release(): void {
    if (this.#active === this.#maxConcurrent) this.#drain.fullRelease(this.#clock.now());
    else this.#drain.idleRelease();
    const next = this.#queue.shift();
    if (next === undefined) this.#active--;
    else next.end(undefined);
  }

  #refuse(reason: BulkheadRejectionReason): BulkheadRejection {
    this.#rejected++;
    const retryAfterMs = this.#retryAfterMs();
    const emitter = this.#onReject;
    if (emitter?.hasListeners === true) {
      emitter.emit({ policy: this.name, reason, retryAfterMs, active: this.#active, queued: this.#queue.size });
    }
    return new BulkheadRejection(this.name, reason, retryAfterMs);
  }

  /** The time the current backlog (every queued call, then one more) takes to drain at the recent rate. */
  #retryAfterMs(): number {
    return this.#drain.estimate(this.#clock.now(), this.#queue.size + 1);
  }
}

/**
 * Builds a {@link Bulkhead}. Options are validated once, here: a bad option throws
 * {@link ConfigError} naming it and the value received. To share one pool between routes, share the
 * instance (or use {@link sharedBulkhead}, which keeps pools by name in a {@link Registry}).
 *
 * @example
 * ```ts
 * import { bulkhead } from '@breakwater/core';
 *
 * const reports = bulkhead({ name: 'reports-db', maxConcurrent: 10, maxQueue: 20, queueTimeout: '2s' });
 * const rows = await reports.execute(({ signal }) => db.query(sql, { signal }));
 * ```
 */
export function bulkhead(options: BulkheadOptions): Bulkhead {
  return new Bulkhead(options);
}
