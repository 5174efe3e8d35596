import { describe, expectTypeOf, it } from 'vitest';
import type {
  MemoryStore} from '../src/index.js';
import {
  circuitBreaker,
  limitStep,
  memoryStore,
  rateLimit,
  quota,
  type AlgorithmState,
  type BreakerStateStore,
  type Decision,
  type LimitSpec,
  type LimitStep,
  type Store,
  type StoreStats,
} from '../src/index.js';
import {
  describeStoreConformance,
  runStoreConformanceCase,
  storeConformanceCases,
  type ConformanceTestApi,
  type MakeStore,
  type ManualClock,
  type StoreConformanceCase,
  type StoreConformanceOptions,
} from '../src/testing/index.js';

describe('Store', () => {
  it('methods answer with a value or a promise', () => {
    expectTypeOf<Store['consume']>().returns.toEqualTypeOf<Decision | Promise<Decision>>();
    expectTypeOf<Store['consumeAll']>().returns.toEqualTypeOf<readonly Decision[] | Promise<readonly Decision[]>>();
    expectTypeOf<Store['peek']>().returns.toEqualTypeOf<Decision | Promise<Decision>>();
    expectTypeOf<Store['reset']>().returns.toEqualTypeOf<void | Promise<void>>();
    expectTypeOf<Store['consume']>().parameters.toEqualTypeOf<[spec: LimitSpec, key: string, cost: number, now: number]>();
  });

  it('MemoryStore is a synchronous Store, a BreakerStateStore, and usable by every policy', () => {
    const store = memoryStore({ maxKeys: 10 });
    expectTypeOf(store).toEqualTypeOf<MemoryStore>();
    expectTypeOf(store).toExtend<Store>();
    expectTypeOf(store).toExtend<BreakerStateStore>();
    expectTypeOf(store.consume).returns.toEqualTypeOf<Decision>();
    expectTypeOf(store.tryConsume).returns.toBeBoolean();
    expectTypeOf(store.tryAdmit).parameters.toEqualTypeOf<[spec: LimitSpec, key: string, cost: number, now: number]>();
    expectTypeOf(store.tryAdmit).returns.toBeBoolean();
    expectTypeOf(store.stats()).toEqualTypeOf<StoreStats>();
    rateLimit({ name: 'a', store, limits: [{ capacity: 1, refillRate: 1 }] });
    quota({ name: 'q', store, limits: { day: 1 } });
    circuitBreaker({ name: 'b', store });
    // @ts-expect-error maxKeys is a number
    memoryStore({ maxKeys: '10' });
  });

  it('LimitSpec is a union on algorithm; limitStep is the pure step', () => {
    expectTypeOf<LimitSpec['algorithm']>().toEqualTypeOf<'token-bucket' | 'gcra' | 'sliding-window' | 'fixed-window' | 'calendar-window'>();
    expectTypeOf(limitStep).parameters.toEqualTypeOf<[state: AlgorithmState | undefined, spec: LimitSpec, now: number, cost: number]>();
    expectTypeOf(limitStep).returns.toEqualTypeOf<LimitStep>();
    expectTypeOf<LimitStep['state']>().toEqualTypeOf<readonly [number, number, number]>();
  });

  it('the conformance suite takes a store factory that receives the manual clock', () => {
    expectTypeOf(describeStoreConformance).parameters.toEqualTypeOf<[name: string, makeStore: MakeStore, options?: StoreConformanceOptions]>();
    expectTypeOf<StoreConformanceOptions>().toEqualTypeOf<{ readonly start?: number; readonly concurrency?: number; readonly test?: ConformanceTestApi }>();
    expectTypeOf<ConformanceTestApi['it']>().parameters.toEqualTypeOf<[name: string, fn: () => Promise<void> | void, timeoutMs?: number]>();
    // The functions of vitest (and of any framework with the same shapes) are accepted as they are.
    describeStoreConformance('MemoryStore', () => memoryStore(), { test: { describe, it } });
    // @ts-expect-error describe and it must be functions
    describeStoreConformance('MemoryStore', () => memoryStore(), { test: { describe: 'describe', it } });
    expectTypeOf<MakeStore>().toEqualTypeOf<(clock: ManualClock) => Store | Promise<Store>>();
    expectTypeOf(storeConformanceCases).toEqualTypeOf<readonly StoreConformanceCase[]>();
    expectTypeOf(runStoreConformanceCase).returns.toEqualTypeOf<Promise<void>>();
  });
});
