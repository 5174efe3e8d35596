import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { allScripts, RedisStore } from '../src/index.js';
import { useRedis } from './support/redis-fixture.js';

const redis = useRedis();

const bucket = { id: 'api:per-client', algorithm: 'token-bucket', capacity: 3, refillRate: 1, refillIntervalMs: 1000 } as const;

describe('the Lua scripts', () => {
  it('have pinned SHA1s (a change to a script must be deliberate: update docs/redis.md too)', () => {
    expect(Object.fromEntries(allScripts.map((script) => [script.name, script.sha]))).toEqual({
      'token-bucket': 'd0d0c93727b0fe8f12622328c08b9ba3d7af6d40',
      gcra: '6020ec4d016c1b4ae35c7b8a074f424bb9b6feb2',
      'sliding-window': '2f82c059cefa8049c7c6a5b1744afa5ef6645ad3',
      'fixed-window': '2efab75404cb656a562e38cfb74865b0ebcd80ce',
      'calendar-window': 'a9c1d41c7027100f8a500d4607442f607428ac05',
      batch: 'd20d5af0de095788f73b2fe0d3b7e265f54689b9',
      many: '9fb42362c2aa3372ab4d1953aea76da4c140a99b',
    });
  });

  it('hash to the same SHA1 in Redis (SCRIPT LOAD)', async () => {
    for (const script of allScripts) expect(await redis.client.script('LOAD', script.source)).toBe(script.sha);
  });

  it('are reloaded after SCRIPT FLUSH (NOSCRIPT), with no error surfaced', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'flush', commandTimeout: 2000 });
    expect((await store.consume(bucket, 'a', 1, 0)).allowed).toBe(true);
    await redis.client.script('FLUSH');
    expect(await redis.client.script('EXISTS', allScripts[0]!.sha)).toEqual([0]);
    expect(await store.consume(bucket, 'a', 1, 0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await redis.client.script('EXISTS', allScripts[0]!.sha)).toEqual([1]);
  });
});

describe('keys', () => {
  it('are <prefix>:<limit id>:{<key>} with a TTL on every key, braces in the limit id escaped', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'keys', commandTimeout: 2000 });
    const window = { id: 'odd{id}', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 } as const;
    await store.consume(bucket, 'user-1', 1, 0);
    await store.consumeAll([bucket, window], ['user-2', 'user-2'], 1, 0);
    const keys = (await redis.client.keys('keys:*')).sort();
    expect(keys).toEqual(['keys:api:per-client:{user-1}', 'keys:api:per-client:{user-2}', 'keys:odd%7Bid%7D:{user-2}']);
    for (const key of keys) {
      const ttl = await redis.client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('live at least 60 s of real time in client-clock mode, whose clock need not run at real speed', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'ttl-client', clock: 'client', commandTimeout: 2000 });
    const window = { id: 'w', algorithm: 'fixed-window', limit: 5, windowMs: 1000 } as const;
    await store.consume(window, 'k', 1, 0); // the window ends 1000 ms later on the caller's clock
    expect(await redis.client.pttl('ttl-client:w:{k}')).toBeGreaterThan(59_000);
    expect((await store.peek(window, 'k', 1000)).remaining).toBe(5); // stale by the caller's clock all the same
  });

  it('hold the tag and state packed; a value of another algorithm or in any other form reads as fresh', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'packed', clock: 'client', commandTimeout: 2000 });
    await store.consume(bucket, 'k', 1, 1000);
    const packed = await redis.client.getBuffer('packed:api:per-client:{k}');
    // length byte, tag, then missing = 1 token (1000 ms worth), last refill 1000, 0, expiresAt 2000: doubles
    expect(packed?.length).toBe(35);
    expect(packed?.subarray(0, 3).toString('latin1')).toBe('\u0002tb');
    expect([0, 1, 2, 3].map((i) => packed?.readDoubleLE(3 + 8 * i))).toEqual([1000, 1000, 0, 2000]);
    for (const other of ['tb 2000 1000 0 999999999', 'garbage', '', Buffer.concat([Buffer.from('\u0002gc'), Buffer.alloc(32, 1)])]) {
      await redis.client.set('packed:api:per-client:{k}', other, 'PX', 60_000);
      expect(await store.consume(bucket, 'k', 1, 1000)).toMatchObject({ allowed: true, remaining: 2 });
    }
  });

  it("carry the client's keyPrefix, once, also when NOSCRIPT makes the store send the source", async () => {
    const prefixed = new Redis({ port: redis.server.port, host: '127.0.0.1', keyPrefix: 'kp:', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await prefixed.connect();
    try {
      const store = new RedisStore({ client: prefixed, prefix: 'pre', clock: 'client', commandTimeout: 2000 });
      expect(await store.consume(bucket, 'k', 1, 1000)).toMatchObject({ allowed: true, remaining: 2 });
      await redis.client.script('FLUSH');
      expect(await store.consume(bucket, 'k', 1, 1000)).toMatchObject({ allowed: true, remaining: 1 });
      expect((await redis.client.keys('*pre:*')).sort()).toEqual(['kp:pre:api:per-client:{k}']);
    } finally {
      prefixed.disconnect();
    }
  });

  it('reset() deletes the key and forgets a cached refusal', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'reset', clock: 'client', commandTimeout: 2000 });
    for (let i = 0; i < 3; i++) await store.consume(bucket, 'k', 1, 1000);
    expect((await store.consume(bucket, 'k', 1, 1000)).allowed).toBe(false);
    await store.reset(bucket, 'k');
    expect(await redis.client.exists('reset:api:per-client:{k}')).toBe(0);
    expect((await store.consume(bucket, 'k', 1, 1000)).allowed).toBe(true);
  });
});

describe('the blocked-key cache', () => {
  it('answers a limited client without a round trip until its retry time', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'cache', clock: 'client', commandTimeout: 2000 });
    for (let i = 0; i < 3; i++) await store.consume(bucket, 'k', 1, 5000);
    const refused = await store.consume(bucket, 'k', 1, 5000);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    await redis.client.del('cache:api:per-client:{k}'); // a change Redis would see; the cache does not ask
    const cached = store.consume(bucket, 'k', 1, 5400);
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toEqual({ ...refused, retryAfterMs: 600 });
    expect(await store.consume(bucket, 'k', 1, 6000)).toMatchObject({ allowed: true });
  });
});

describe('calls in flight', () => {
  it('are bounded by maxInFlight, and a settled call frees its place at once', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'in-flight', clock: 'client', commandTimeout: 2000, maxInFlight: 2 });
    for (let i = 0; i < 5; i++) expect((await store.consume(bucket, `k${i}`, 1, 1000)).allowed).toBe(true);
    const results = await Promise.allSettled([0, 1, 2].map((i) => store.consume(bucket, `c${i}`, 1, 1000)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect((await store.consume(bucket, 'after', 1, 1000)).allowed).toBe(true);
  });
});

describe('Redis TIME', () => {
  it('two stores whose app clocks are 30 s apart admit the same totals', async () => {
    const skewedBy = (ms: number) => ({ now: () => Date.now() + ms, setTimeout, clearTimeout });
    const early = new RedisStore({ client: redis.client, prefix: 'skew', timers: skewedBy(-30_000), commandTimeout: 2000 });
    const late = new RedisStore({ client: redis.client, prefix: 'skew', timers: skewedBy(30_000), commandTimeout: 2000 });
    const spec = { id: 'skew', algorithm: 'token-bucket', capacity: 20, refillRate: 1, refillIntervalMs: 60_000 } as const;
    const admitted = { early: 0, late: 0 };
    for (let i = 0; i < 30; i++) {
      // `now` is each app's own clock reading: Redis TIME mode ignores it.
      if ((await early.consume(spec, 'shared', 1, early.options.timers.now())).allowed) admitted.early++;
      if ((await late.consume(spec, 'shared', 1, late.options.timers.now())).allowed) admitted.late++;
    }
    expect(admitted).toEqual({ early: 10, late: 10 });
    expect(admitted.early + admitted.late).toBe(20);
    // The same skew in client-clock mode: the app that is 60 s ahead refills a token the other spent.
    const clientEarly = new RedisStore({ client: redis.client, prefix: 'skew-client', clock: 'client', commandTimeout: 2000, blockedCacheSize: 0 });
    const clientLate = new RedisStore({ client: redis.client, prefix: 'skew-client', clock: 'client', commandTimeout: 2000, blockedCacheSize: 0 });
    let clientAdmitted = 0;
    for (let i = 0; i < 30; i++) {
      if ((await clientEarly.consume(spec, 'shared', 1, Date.now() - 30_000)).allowed) clientAdmitted++;
      if ((await clientLate.consume(spec, 'shared', 1, Date.now() + 30_000)).allowed) clientAdmitted++;
    }
    expect(clientAdmitted).toBeGreaterThan(20);
  });
});
