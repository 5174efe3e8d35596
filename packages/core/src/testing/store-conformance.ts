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
  /**
   * The test framework's `describe` and `it`, which {@link describeStoreConformance} declares the
   * suite with. @default `globalThis.describe` and `globalThis.it` (jest, mocha, vitest with `globals: true`)
   */
  readonly test?: ConformanceTestApi;
}

/** The two functions of a test framework that the conformance suite needs (vitest, jest, mocha, node:test). */
export interface ConformanceTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void> | void, timeoutMs?: number): void;
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
 * The store conformance suite: every algorithm's exact decisions at exact instants, agreement with
 * the reference step function over a random walk, peek, reset, costs, expiry, periods longer than
 * 24.8 days, `consumeAll`'s all-or-nothing rule, and concurrency (many concurrent consumes on one key
 * never admit more than allowed). Every store must pass it. Time comes from a {@link ManualClock}
 * given to `makeStore` and passed as `now` to every call, so a remote store runs it in its
 * client-clock mode.
 *
 * It declares one `describe` with one `it` per case, using the test framework's functions given as
 * `options.test`, or else the global `describe` and `it`. `@breakwater/core/testing` imports no test
 * framework.
 *
 * @throws TypeError when `options.test` is absent and there are no global `describe` and `it`.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { MemoryStore } from '@breakwater/core';
 * import { describeStoreConformance } from '@breakwater/core/testing';
 *
 * describeStoreConformance('MemoryStore', () => new MemoryStore(), { test: { describe, it } });
 * ```
 */
export function describeStoreConformance(name: string, makeStore: MakeStore, options: StoreConformanceOptions = {}): void {
  const { describe, it } = options.test ?? globalTestApi();
  describe(`store conformance: ${name}`, () => {
    for (const check of storeConformanceCases) it(check.name, () => runStoreConformanceCase(check, makeStore, options));
  });
}

/** The global `describe` and `it`, as jest, mocha and vitest with `globals: true` define them. */
function globalTestApi(): ConformanceTestApi {
  const { describe, it } = globalThis as { describe?: unknown; it?: unknown };
  if (typeof describe === 'function' && typeof it === 'function') return { describe, it } as ConformanceTestApi;
  throw new TypeError(
    "describeStoreConformance() found no global describe() and it(): pass your test framework's functions " +
      '(vitest, node:test, ...) as describeStoreConformance(name, makeStore, { test: { describe, it } }).',
  );
}
