import { StoreUnavailableError } from '../errors/store-unavailable-error.js';
import type { Decision } from './decision.js';
import { type LimitSpec, limitOf } from './limit-spec.js';
import { MemoryStore } from './memory-store.js';
import type { Store, StoreStats } from './store.js';

/**
 * What a rate limit or quota does when its store fails (an error, a timeout, a connection that is
 * down). Never a 429: a store failure is not the client's fault.
 *
 * - `failOpen` admits the call (the limit is off while the store is down);
 * - `failClosed` rejects with `StoreUnavailableError` (`ERR_STORE_UNAVAILABLE`, a 503 over HTTP);
 * - `local` decides on an in-memory insurance store, per process, until the store answers again.
 */
export type StoreErrorMode = 'failOpen' | 'failClosed' | 'local';

/** What a policy reports for each decision its store failed to make. */
export interface StoreFailure {
  readonly policy: string;
  /** The store's error; a `StoreUnavailableError` unless the store threw something else. */
  readonly error: unknown;
  /** What the policy did instead: admitted, rejected (failClosed), or decided in memory. */
  readonly mode: StoreErrorMode;
}

/**
 * A store wrapped so that its failures follow a policy's `onStoreError` mode. Used by `rateLimit` and
 * `quota` for any store other than `MemoryStore` (which cannot fail).
 */
export class OutageGuard implements Store {
  readonly shared: boolean;
  /** The wrapped store's figures, when it keeps them. */
  readonly stats?: () => StoreStats;
  readonly #inner: Store;
  readonly #mode: StoreErrorMode;
  readonly #policy: string;
  readonly #report: (failure: StoreFailure) => void;
  #insurance: MemoryStore | undefined;

  constructor(inner: Store, mode: StoreErrorMode, policy: string, report: (failure: StoreFailure) => void) {
    this.#inner = inner;
    this.shared = inner.shared;
    if (inner.stats !== undefined) this.stats = () => (inner.stats as () => StoreStats).call(inner);
    this.#mode = mode;
    this.#policy = policy;
    this.#report = report;
  }

  /** The hot path: no closure unless the store answers with a promise (then one, for its failure). */
  consume(spec: LimitSpec, key: string, cost: number, now: number): Decision | Promise<Decision> {
    let result: Decision | Promise<Decision>;
    try {
      result = this.#inner.consume(spec, key, cost, now);
    } catch (error) {
      return this.#consumeFailed(error, spec, key, cost, now);
    }
    if (result instanceof Promise) return result.catch((error: unknown) => this.#consumeFailed(error, spec, key, cost, now));
    return result;
  }

  consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): readonly Decision[] | Promise<readonly Decision[]> {
    return this.#guard(
      () => this.#inner.consumeAll(specs, keys, cost, now),
      () => specs.map((spec) => openDecision(spec, now)),
      (local) => local.consumeAll(specs, keys, cost, now),
    );
  }

  peek(spec: LimitSpec, key: string, now: number): Decision | Promise<Decision> {
    return this.#guard(
      () => this.#inner.peek(spec, key, now),
      () => openDecision(spec, now),
      (local) => local.peek(spec, key, now),
    );
  }

  reset(spec: LimitSpec, key: string): void | Promise<void> {
    this.#insurance?.reset(spec, key);
    return this.#inner.reset(spec, key);
  }

  close(): void | Promise<void> {
    this.#insurance?.close();
    return this.#inner.close?.();
  }

  #guard<T>(call: () => T | Promise<T>, open: () => T, local: (store: MemoryStore) => T): T | Promise<T> {
    let result: T | Promise<T>;
    try {
      result = call();
    } catch (error) {
      return this.#fail(error, open, local);
    }
    if (result instanceof Promise) return result.catch((error: unknown) => this.#fail(error, open, local));
    return result;
  }

  #consumeFailed(error: unknown, spec: LimitSpec, key: string, cost: number, now: number): Decision | Promise<Decision> {
    return this.#fail(
      error,
      () => openDecision(spec, now),
      (local) => local.consume(spec, key, cost, now),
    );
  }

  /** A rejected promise in `failClosed` mode (even for a synchronous throw: callers never see a throw). */
  #fail<T>(error: unknown, open: () => T, local: (store: MemoryStore) => T): T | Promise<T> {
    this.#report({ policy: this.#policy, error, mode: this.#mode });
    switch (this.#mode) {
      case 'failOpen':
        return open();
      case 'local':
        return local((this.#insurance ??= new MemoryStore()));
      case 'failClosed':
        return Promise.reject(new StoreUnavailableError(error instanceof StoreUnavailableError ? error.reason : messageOf(error), { policy: this.#policy, cause: error }));
    }
  }
}

/** The decision of a limit that is off: admitted, full, nothing to wait for. */
function openDecision(spec: LimitSpec, now: number): Decision {
  const limit = limitOf(spec);
  return { allowed: true, limit, remaining: limit, resetAt: Math.floor(now), retryAfterMs: 0 };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
