import { type BreakerStateStore, type CircuitBreaker, type Decision, type Store, circuitBreaker } from '@breakwater/core';
import { type Cluster, Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { breakerRecordScript, type LuaScript, manyScript, RedisStore, type RedisStoreOptions, type SharedBreakerOptions, tokenBucketScript } from '../src/index.js';

describe('RedisStore types', () => {
  it('is a Store built from a Redis or a Cluster', () => {
    expectTypeOf<RedisStore>().toExtend<Store>();
    expectTypeOf<RedisStoreOptions['client']>().toEqualTypeOf<Redis | Cluster>();
    expectTypeOf<RedisStoreOptions['clock']>().toEqualTypeOf<'redis' | 'client' | undefined>();
    expectTypeOf(new RedisStore({ client: new Redis({ lazyConnect: true }) }).peek).returns.toEqualTypeOf<Promise<Decision>>();
  });

  it('takes batchDecisions and autoPipelining as booleans', () => {
    expectTypeOf<RedisStoreOptions['batchDecisions']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RedisStoreOptions['autoPipelining']>().toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error: a string is not a boolean
    new RedisStore({ client: new Redis({ lazyConnect: true }), batchDecisions: 'yes' });
  });

  it('is a breaker-state store: circuitBreaker({ store }) takes it as it is', () => {
    expectTypeOf<RedisStore>().toExtend<BreakerStateStore>();
    const store = new RedisStore({ client: new Redis({ lazyConnect: true }), breaker: { outcomes: 'exact', flushInterval: '50ms', refreshInterval: 500 } });
    expectTypeOf(circuitBreaker({ name: 'payments', store })).toEqualTypeOf<CircuitBreaker<never>>();
    expectTypeOf(store.syncBreakers()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(store.breakerStatus()).toEqualTypeOf<Record<string, 'shared' | 'local'>>();
    expectTypeOf<RedisStoreOptions['breaker']>().toEqualTypeOf<SharedBreakerOptions | undefined>();
    expectTypeOf<SharedBreakerOptions['outcomes']>().toEqualTypeOf<'batched' | 'exact' | undefined>();
  });

  it('exports its scripts with name, source, sha and key count', () => {
    expectTypeOf(tokenBucketScript).toEqualTypeOf<LuaScript>();
    expectTypeOf(manyScript).toEqualTypeOf<LuaScript>();
    expectTypeOf(breakerRecordScript).toEqualTypeOf<LuaScript>();
    expectTypeOf<LuaScript['sha']>().toEqualTypeOf<string>();
  });
});
