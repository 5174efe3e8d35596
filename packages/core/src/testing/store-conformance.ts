import { describe, it } from 'vitest';
import type { Store } from '../store/store.js';
import { batchCases } from './conformance/batch-cases.js';
import { storeCases } from './conformance/cases.js';
import { conformanceContext, type StoreConformanceCase } from './conformance/harness.js';
import { ManualClock } from './manual-clock.js';

export type { ConformanceContext, StoreConformanceCase } from './conformance/harness.js';

/** Builds a fresh, empty store for one case. A store that keeps its own time must read `clock`. */
export type MakeStore = (clock: ManualClock) => Store | Promise<Store>;

/** Options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /** The first instant of every case (epoch ms); a multiple of a day. @default Date.UTC(2024, 0, 1) */
  readonly start?: number;
  /** Calls fired at once in the concurrency cases. @default 200 */
  readonly concurrency?: number;
}

/**
 * Every check of the store contract. Each case gets a fresh store and throws when the store breaks
 * the contract, so a case can also be run on its own (to show that a naive store fails it).
 */
export const storeConformanceCases: readonly StoreConformanceCase[] = [...storeCases, ...batchCases];

/**
 * Runs one store conformance case against a fresh store from `makeStore`; rejects if the store fails it.
 *
 * @example
 * ```ts
 * await runStoreConformanceCase(storeConformanceCases[0]!, () => new MemoryStore());
 * ```
 */
export async function runStoreConformanceCase(check: StoreConformanceCase, makeStore: MakeStore, options: StoreConformanceOptions = {}): Promise<void> {
  const start = options.start ?? Date.UTC(2024, 0, 1);
  const clock = new ManualClock(start);
  const store = await makeStore(clock);
  try {
    await check.run(conformanceContext(store, clock, start, options.concurrency ?? 200));
  } finally {
    await store.close?.();
  }
}

/**
 * The store conformance suite (vitest `describe`/`it`): every algorithm's exact decisions at exact
 * instants, agreement with the reference step function over a random walk, peek, reset, costs,
 * expiry, periods longer than 24.8 days, `consumeAll`'s all-or-nothing rule, and concurrency (many
 * concurrent consumes on one key never admit more than allowed). Every store must pass it. Time
 * comes from a {@link ManualClock} given to `makeStore` and passed as `now` to every call, so a remote
 * store runs it in its client-clock mode.
 *
 * Needs vitest (an optional peer dependency of `@breakwater/core`); import it from
 * `@breakwater/core/testing`.
 *
 * @example
 * ```ts
 * import { MemoryStore } from '@breakwater/core';
 * import { describeStoreConformance } from '@breakwater/core/testing';
 *
 * describeStoreConformance('MemoryStore', () => new MemoryStore({ maxKeys: 1_000 }));
 * ```
 */
export function describeStoreConformance(name: string, makeStore: MakeStore, options: StoreConformanceOptions = {}): void {
  describe(`store conformance: ${name}`, () => {
    for (const check of storeConformanceCases) it(check.name, () => runStoreConformanceCase(check, makeStore, options));
  });
}
