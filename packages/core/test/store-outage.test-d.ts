import { describe, expectTypeOf, it } from 'vitest';
import {
  type BreakwaterError,
  type Disposable,
  type OutageGuard,
  quota,
  rateLimit,
  type QuotaOptions,
  type RateLimitOptions,
  type Store,
  type StoreErrorMode,
  type StoreFailure,
  type StoreUnavailableError,
} from '../src/index.js';

describe('store outage types', () => {
  it('onStoreError is one of three modes on rate limits and quotas', () => {
    expectTypeOf<StoreErrorMode>().toEqualTypeOf<'failOpen' | 'failClosed' | 'local'>();
    expectTypeOf<RateLimitOptions['onStoreError']>().toEqualTypeOf<StoreErrorMode | undefined>();
    expectTypeOf<QuotaOptions['onStoreError']>().toEqualTypeOf<StoreErrorMode | undefined>();
    // @ts-expect-error not a mode
    rateLimit({ name: 'x', onStoreError: 'ignore', limits: [{ capacity: 1, refillRate: 1 }] });
  });

  it('resolved options always hold a mode', () => {
    expectTypeOf(rateLimit({ name: 'x', limits: [{ capacity: 1, refillRate: 1 }] }).options.onStoreError).toEqualTypeOf<StoreErrorMode>();
    expectTypeOf(quota({ name: 'q', limits: { day: 1 } }).options.onStoreError).toEqualTypeOf<StoreErrorMode>();
  });

  it('onStoreFailure hands a StoreFailure and returns a Disposable', () => {
    const limiter = rateLimit({ name: 'x', limits: [{ capacity: 1, refillRate: 1 }] });
    expectTypeOf(limiter.onStoreFailure).parameter(0).toEqualTypeOf<(event: StoreFailure) => void>();
    expectTypeOf(limiter.onStoreFailure(() => undefined)).toEqualTypeOf<Disposable>();
    expectTypeOf(quota({ name: 'q', limits: { day: 1 } }).onStoreFailure(() => undefined)).toEqualTypeOf<Disposable>();
    expectTypeOf<StoreFailure['mode']>().toEqualTypeOf<StoreErrorMode>();
  });

  it('StoreUnavailableError is a BreakwaterError with a reason; OutageGuard is a Store', () => {
    expectTypeOf<StoreUnavailableError>().toExtend<BreakwaterError>();
    expectTypeOf<StoreUnavailableError['reason']>().toEqualTypeOf<string>();
    expectTypeOf<OutageGuard>().toExtend<Store>();
  });
});
