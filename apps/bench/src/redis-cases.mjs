// The cases of the Redis benchmarks, built on one ioredis client: raw calls, Breakwater, and the peer.
import { rateLimit } from '@breakwater/core';
import { RedisStore, tokenBucketScript } from '@breakwater/redis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Limits no benchmark reaches (10,000 keys at some 50,000 decisions/s: each key a few times a second),
 * and below 2^21, so that an admission is the scripts' one-integer reply; `WIDE` (2^30) takes the
 * array reply, shown by the `store-wide` case.
 */
const LIMIT = 1_000_000;
const WIDE = 2 ** 30;

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
  const rawArgs = [String(LIMIT), String(LIMIT), '1000'];
  const spec = Object.freeze({ id: 'bench:tb', algorithm: 'token-bucket', capacity: LIMIT, refillRate: LIMIT, refillIntervalMs: 1000 });
  const wideSpec = Object.freeze({ ...spec, id: 'bench:tb-wide', capacity: WIDE, refillRate: WIDE });
  const store = new RedisStore({ client, prefix: 'store', commandTimeout });
  const unpipelined = new RedisStore({ client, prefix: 'unpiped', commandTimeout, autoPipelining: false });
  const batched = new RedisStore({ client, prefix: 'batched', commandTimeout, batchDecisions: true });
  const limits = [{ name: 'tb', key: (k) => k, capacity: LIMIT, refillRate: LIMIT }];
  const executePolicy = rateLimit({ name: 'exec', store: new RedisStore({ client, prefix: 'exec', commandTimeout }), limits });
  const acquirePolicy = rateLimit({ name: 'acq', store: new RedisStore({ client, prefix: 'acq', commandTimeout }), limits });
  const flexible = new RateLimiterRedis({ storeClient: client, keyPrefix: 'rlflx', points: LIMIT, duration: 60 });
  const one = () => 1;
  const admitted = (decision) => decision.allowed;
  const cases = [
    { key: 'incr', name: 'raw ioredis INCR', run: (i) => client.incr(incrKeys[i]) },
    { key: 'evalsha', name: 'raw ioredis EVALSHA (same script, arguments prepared)', run: (i) => client.evalsha(tokenBucketScript.sha, 1, rawKeys[i], ...rawArgs) },
    { key: 'store', name: '`RedisStore.consume`', run: (i) => store.consume(spec, keys[i], 1, 0), ok: admitted },
    { key: 'store-unpiped', name: '`RedisStore.consume`, `autoPipelining: false` (one write per call)', run: (i) => unpipelined.consume(spec, keys[i], 1, 0), ok: admitted },
    { key: 'store-batched', name: '`RedisStore.consume`, `batchDecisions: true` (one script call per turn)', run: (i) => batched.consume(spec, keys[i], 1, 0), ok: admitted },
    { key: 'store-wide', name: '`RedisStore.consume`, limit 2^30 (array reply)', run: (i) => store.consume(wideSpec, keys[i], 1, 0), ok: admitted },
    { key: 'execute', name: '`rateLimit({ store: RedisStore }).execute`', run: (i) => executePolicy.execute(one, { input: keys[i] }) },
    { key: 'acquire', name: '`rateLimit({ store: RedisStore }).acquire`', run: (i) => acquirePolicy.acquire(keys[i]), ok: (admission) => admission.admitted },
    { key: 'rlf', name: 'rate-limiter-flexible 11.4.0 `RateLimiterRedis.consume`', run: (i) => flexible.consume(keys[i]) },
  ];
  return cases;
}
