import type { Decision, Store } from '@breakwater/core';
import { type Cluster, Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { type LuaScript, RedisStore, type RedisStoreOptions, tokenBucketScript } from '../src/index.js';

describe('RedisStore types', () => {
  it('is a Store built from a Redis or a Cluster', () => {
    expectTypeOf<RedisStore>().toExtend<Store>();
    expectTypeOf<RedisStoreOptions['client']>().toEqualTypeOf<Redis | Cluster>();
    expectTypeOf<RedisStoreOptions['clock']>().toEqualTypeOf<'redis' | 'client' | undefined>();
    expectTypeOf(new RedisStore({ client: new Redis({ lazyConnect: true }) }).peek).returns.toEqualTypeOf<Promise<Decision>>();
  });

  it('exports its scripts with name, source, sha and key count', () => {
    expectTypeOf(tokenBucketScript).toEqualTypeOf<LuaScript>();
    expectTypeOf<LuaScript['sha']>().toEqualTypeOf<string>();
  });
});
