import type { Decision } from './decision.js';
import type { LimitSpec } from './limit-spec.js';

/** Figures a store may report, for snapshots. */
export interface StoreStats {
  /** Keys held now (expired keys not yet dropped included). */
  readonly keys: number;
  /** The most keys the store holds, or `null` when unbounded. */
  readonly maxKeys: number | null;
  /** Keys dropped to make room while they still held state (each one forgets a client's usage). */
  readonly evictions: number;
}

/**
 * Where rate-limit and quota state lives. A store works at the level of whole algorithms: each call
 * reads a key's state, runs the algorithm of `spec` and writes the result as one atomic step (one
 * round trip for a remote store), so that concurrent requests can never be admitted past a limit.
 *
 * Methods return a value or a promise: an in-process store answers synchronously (and policies use
 * it synchronously, with no promise per decision); a remote store returns promises.
 *
 * `now` is the caller's clock reading (epoch ms; fractions are floored). A store that keeps its own
 * time (Redis `TIME`) may use that instead, and says so.
 *
 * A store may also implement `BreakerStateStore` (`bindBreaker`), so that one object holds every
 * policy's state; the two seams stay separate interfaces.
 *
 * @example
 * ```ts
 * const store: Store = new MemoryStore({ maxKeys: 50_000 });
 * const spec = { id: 'api:per-client', algorithm: 'fixed-window', limit: 100, windowMs: 60_000 } as const;
 * const decision = await store.consume(spec, 'client-42', 1, Date.now());
 * ```
 */
export interface Store {
  /** True when several processes share the state (a memory store is per process). */
  readonly shared: boolean;
  /**
   * Charges `cost` to `key` under `spec` if the limit admits it; returns the decision. The decision
   * object is the caller's from then on (a permit may keep it): a store must not change it later.
   */
  consume(spec: LimitSpec, key: string, cost: number, now: number): Decision | Promise<Decision>;
  /**
   * Charges `cost` under every spec (with the key at the same index) as one atomic step: either every
   * limit admits it and all are charged, or none is charged. Returns one decision per spec, in order;
   * a limit that would have admitted the cost but was not charged reports its current state.
   */
  consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): readonly Decision[] | Promise<readonly Decision[]>;
  /**
   * The key's state without changing it: `remaining` and `resetAt` as they stand, `allowed` and
   * `retryAfterMs` for a request of cost 1.
   */
  peek(spec: LimitSpec, key: string, now: number): Decision | Promise<Decision>;
  /** Forgets the key's state under `spec.id`. */
  reset(spec: LimitSpec, key: string): void | Promise<void>;
  /** Figures for snapshots, when the store keeps them. */
  stats?(): StoreStats;
  /** Releases connections and timers. */
  close?(): void | Promise<void>;
}
