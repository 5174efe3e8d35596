// The cases of the Redis benchmarks, built on one ioredis client: raw calls, Breakwater, and the peer.
import { rateLimit } from '@breakwater/core';
import { RedisStore, tokenBucketScript } from '@breakwater/redis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

const HUGE = 1_000_000_000;

/**
 * Every case as `{ key, name, run(i), ok? }`, where `run(i)` makes one decision on key number `i` (of
 * `keyCount` rotating keys) and returns the library's own promise, and `ok(result)` says whether the
 * awaited result is an admission (a refused `execute` rejects). Limits are huge: every decision admits. `commandTimeout` is the stores'
 * (default theirs, 100 ms; the callgrind run needs far more, as everything runs 50× slower there).
 */
export async function redisCases(client, keyCount, { commandTimeout } = {}) {
  await client.script('LOAD', tokenBucketScript.source);
  const keys = Array.from({ length: keyCount }, (_, i) => `k${i}`);
  const rawKeys = keys.map((k) => `raw:tb:{${k}}`);
  const incrKeys = keys.map((k) => `incr:{${k}}`);
  const rawArgs = ['c', '', '1', String(HUGE), String(HUGE), '1000'];
  const spec = Object.freeze({ id: 'bench:tb', algorithm: 'token-bucket', capacity: HUGE, refillRate: HUGE, refillIntervalMs: 1000 });
  const store = new RedisStore({ client, prefix: 'store', commandTimeout });
  const limits = [{ name: 'tb', key: (k) => k, capacity: HUGE, refillRate: HUGE }];
  const executePolicy = rateLimit({ name: 'exec', store: new RedisStore({ client, prefix: 'exec', commandTimeout }), limits });
  const acquirePolicy = rateLimit({ name: 'acq', store: new RedisStore({ client, prefix: 'acq', commandTimeout }), limits });
  const flexible = new RateLimiterRedis({ storeClient: client, keyPrefix: 'rlflx', points: HUGE, duration: 60 });
  const one = () => 1;
  const admitted = (decision) => decision.allowed;
  const cases = [
    { key: 'incr', name: 'raw ioredis INCR', run: (i) => client.incr(incrKeys[i]) },
    { key: 'evalsha', name: 'raw ioredis EVALSHA (same script, arguments prepared)', run: (i) => client.evalsha(tokenBucketScript.sha, 1, rawKeys[i], ...rawArgs) },
    { key: 'store', name: '`RedisStore.consume`', run: (i) => store.consume(spec, keys[i], 1, 0), ok: admitted },
    { key: 'execute', name: '`rateLimit({ store: RedisStore }).execute`', run: (i) => executePolicy.execute(one, { input: keys[i] }) },
    { key: 'acquire', name: '`rateLimit({ store: RedisStore }).acquire`', run: (i) => acquirePolicy.acquire(keys[i]), ok: (admission) => admission.admitted },
    { key: 'rlf', name: 'rate-limiter-flexible 11.4.0 `RateLimiterRedis.consume`', run: (i) => flexible.consume(keys[i]) },
  ];
  return cases;
}
