import { describeStoreConformance } from '@breakwater/core/testing';
import { describe, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { useRedis } from './support/redis-fixture.js';

const redis = useRedis();
let run = 0;

describeStoreConformance('RedisStore on one redis-server (client clock; autoPipelining by default: the calls of a turn written together)', () => new RedisStore({ client: redis.client, clock: 'client', prefix: `conf-${++run}`, commandTimeout: 2000 }), {
  test: { describe, it },
});
describeStoreConformance(
  'RedisStore on one redis-server (client clock, no blocked-key cache)',
  () => new RedisStore({ client: redis.client, clock: 'client', prefix: `conf-nocache-${++run}`, commandTimeout: 2000, blockedCacheSize: 0 }),
  { test: { describe, it } },
);
describeStoreConformance(
  'RedisStore on one redis-server (client clock, autoPipelining: false: each call written as it is made)',
  () => new RedisStore({ client: redis.client, clock: 'client', prefix: `conf-unpiped-${++run}`, commandTimeout: 2000, autoPipelining: false }),
  { test: { describe, it } },
);
describeStoreConformance(
  'RedisStore on one redis-server (client clock, batchDecisions: the decisions of a turn in one script)',
  () => new RedisStore({ client: redis.client, clock: 'client', prefix: `conf-batched-${++run}`, commandTimeout: 2000, batchDecisions: true }),
  { test: { describe, it } },
);
