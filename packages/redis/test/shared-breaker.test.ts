// The shared breaker with several "instances" in one process: each instance is its own ioredis client
// and RedisStore (its own pub/sub connection), sharing one redis-server and one key prefix.
import { type BreakerStoreStatus, type CircuitBreakerOptions, type StateChange, circuitBreaker } from '@breakwater/core';
import { ManualClock } from '@breakwater/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { breakerScripts, RedisStore, type SharedBreakerOptions } from '../src/index.js';
import { commandCalls as countCommands } from './support/command-calls.js';
import { connectClient, useRedis } from './support/redis-fixture.js';

const redis = useRedis();
const opened: { client: Redis; store: RedisStore }[] = [];
let run = 0;

afterAll(() => {
  for (const { client, store } of opened) {
    store.close();
    client.disconnect();
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fail = () => Promise.reject(new Error('down'));

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** `count` instances of breaker `db`, each on its own client and store, sharing one prefix. */
async function instances(count: number, options: Omit<CircuitBreakerOptions, 'name' | 'store'>, breaker: SharedBreakerOptions = {}, clientOptions = {}) {
  const prefix = `unit-${++run}`;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = await connectClient(redis.server.port);
      if (Object.keys(clientOptions).length > 0) Object.assign(client.options, clientOptions);
      const store = new RedisStore({ client, prefix, commandTimeout: 1_000, breaker });
      opened.push({ client, store });
      const b = circuitBreaker({ name: 'db', ...options, store });
      await store.syncBreakers();
      return { breaker: b, store, client, prefix };
    }),
  );
}

const commandCalls = (name: string): Promise<number> => countCommands(redis.client, name);

describe('shared breaker: one state for every instance', () => {
  it('trips every instance from one instance failures, with the same reason', async () => {
    const [a, b] = await instances(2, { trip: { consecutiveFailures: 3 }, recoveryTimeout: '10s' }, { outcomes: 'exact' });
    const changes: StateChange[] = [];
    b!.breaker.onStateChange((change) => changes.push(change));
    for (let i = 0; i < 3; i++) await a!.breaker.execute(fail).catch(() => undefined);
    await until(() => b!.breaker.state === 'open');
    expect(changes).toMatchObject([{ from: 'closed', to: 'open', reason: '3 consecutive failures (threshold 3)' }]);
    expect(await b!.breaker.acquire()).toMatchObject({ admitted: false, reason: 'open' });
    expect(b!.breaker.snapshot()).toMatchObject({ state: 'open', health: 'unhealthy' });
    expect(b!.breaker.snapshot().retryAfterMs).toBeGreaterThan(9_000);
  });

  it('counts every instance outcomes in one window (failure rate over two instances)', async () => {
    const trip = { failureRate: { threshold: 0.5, minimumCalls: 10, window: { type: 'count' as const, size: 10 } } };
    const [a, b] = await instances(2, { trip });
    // 4 failures here and 5 successes there: 9 calls, not judged yet; the 10th call decides.
    for (let i = 0; i < 4; i++) await a!.breaker.execute(fail).catch(() => undefined);
    for (let i = 0; i < 5; i++) await b!.breaker.execute(async () => 'ok');
    await Promise.all([a!.store.syncBreakers(), b!.store.syncBreakers()]);
    await b!.store.syncBreakers();
    expect(b!.breaker.snapshot()).toMatchObject({ state: 'closed', calls: 9, failures: 4 });
    await b!.breaker.execute(fail).catch(() => undefined);
    await b!.store.syncBreakers();
    await until(() => a!.breaker.state === 'open');
    expect(a!.breaker.snapshot()).toMatchObject({ state: 'open' });
  });

  it('batches outcomes: nothing is sent before flushInterval while only successes arrive, one script per batch', async () => {
    const [a] = await instances(1, { trip: { consecutiveFailures: 3 } }, { flushInterval: '1h', flushSize: 3 });
    await sleep(100); // the pub/sub connection is up (its first ready re-reads the state once)
    const before = await commandCalls('evalsha');
    for (let i = 0; i < 1_000; i++) await a!.breaker.execute(async () => 'ok');
    expect(await commandCalls('evalsha')).toBe(before + 0);
    // flushSize failing outcomes send the batch at once, without waiting for the interval.
    for (let i = 0; i < 3; i++) await a!.breaker.execute(fail).catch(() => undefined);
    await until(() => a!.breaker.state === 'open');
    // (+1: the INFO call itself is not an EVALSHA.) One record script carried 1,003 outcomes.
    expect(await commandCalls('evalsha')).toBe(before + 1);
  });

  it('isolate, disable and reset act on every instance', async () => {
    const [a, b] = await instances(2, { trip: { consecutiveFailures: 1 } });
    const isolation = a!.breaker.isolate();
    expect(a!.breaker.state).toBe('isolated'); // seen at once by the instance that asked
    await until(() => b!.breaker.state === 'isolated');
    expect(await b!.breaker.acquire()).toMatchObject({ admitted: false, reason: 'isolated' });
    isolation.dispose();
    await until(() => b!.breaker.state === 'closed');
    const disabled = b!.breaker.disable();
    await until(() => a!.breaker.state === 'disabled');
    await a!.breaker.execute(fail).catch(() => undefined); // recorded nowhere: disabled
    await a!.store.syncBreakers();
    expect(a!.breaker.state).toBe('disabled');
    b!.breaker.reset();
    void disabled;
    await until(() => a!.breaker.state === 'closed');
    await a!.breaker.execute(fail).catch(() => undefined);
    await until(() => b!.breaker.state === 'open');
  });

  it('initialState seeds a state that does not exist yet, and never overwrites one; restore() does', async () => {
    const seeded = await instances(1, { trip: { consecutiveFailures: 2 }, recoveryTimeout: '1m' });
    await seeded[0]!.breaker.execute(fail).catch(() => undefined); // the shared state now exists
    await seeded[0]!.store.syncBreakers();
    const saved = circuitBreaker({ name: 'db', trip: { consecutiveFailures: 2 }, recoveryTimeout: '1m' });
    saved.isolate();
    const prefix = seeded[0]!.prefix;
    const client = await connectClient(redis.server.port);
    const store = new RedisStore({ client, prefix, commandTimeout: 1_000 });
    opened.push({ client, store });
    const late = circuitBreaker({ name: 'db', trip: { consecutiveFailures: 2 }, recoveryTimeout: '1m', store, initialState: saved.toJSON() });
    await store.syncBreakers();
    expect(late.state).toBe('closed'); // the shared state existed: the seed was not applied
    late.restore(saved.toJSON());
    await until(() => seeded[0]!.breaker.state === 'isolated');
    expect(() => late.restore({ ...saved.toJSON(), strategies: [] })).toThrow(/initialState|restore/);
  });

  it('a lost notification leaves a view stale for at most refreshInterval (plus a round trip)', async () => {
    const [a, b] = await instances(2, { trip: { consecutiveFailures: 1 } }, { outcomes: 'exact', refreshInterval: '300ms' }, { retryStrategy: () => 60_000 });
    // Every pub/sub connection dropped, and not reconnecting for a minute: only the refresh is left.
    await redis.client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await sleep(20);
    const trippedAt = Date.now();
    await a!.breaker.execute(fail).catch(() => undefined);
    await until(() => b!.breaker.state === 'open', 2_000);
    expect(Date.now() - trippedAt).toBeLessThan(300 + 700);
  });

  it('keeps every key in one slot with a TTL, and its scripts hash to the SHA1s Redis computes', async () => {
    const [a] = await instances(1, { trip: { consecutiveFailures: 5, failureRate: { threshold: 0.5, window: { type: 'count', size: 20 } } } }, { outcomes: 'exact', keyTtl: '10m' });
    await a!.breaker.execute(fail).catch(() => undefined);
    await a!.store.syncBreakers();
    const keys = (await redis.client.keys(`${a!.prefix}:*`)).sort();
    expect(keys).toEqual([`${a!.prefix}:cb:{db}`, `${a!.prefix}:cb:{db}:ring:1`]);
    for (const key of keys) {
      const ttl = await redis.client.pttl(key);
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
    for (const script of breakerScripts) expect(await redis.client.script('LOAD', script.source)).toBe(script.sha);
  });

  it('two breakers of the same name on one store both follow the shared state; closing one leaves the other subscribed', async () => {
    // No refresh for an hour: only notifications can bring the trip.
    const [a, b] = await instances(2, { trip: { consecutiveFailures: 1 } }, { outcomes: 'exact', refreshInterval: '1h' });
    const twin = circuitBreaker({ name: 'db', trip: { consecutiveFailures: 1 }, store: b!.store });
    await b!.store.syncBreakers();
    b!.breaker.close();
    await a!.breaker.execute(fail).catch(() => undefined);
    await until(() => twin.state === 'open');
    expect(b!.store.breakerStatus()).toEqual({ db: 'shared' });
    twin.close();
    expect(b!.store.breakerStatus()).toEqual({});
  });

  it('goes local when Redis stops answering and reports it; admission never waits for Redis while closed', async () => {
    const [a] = await instances(1, { trip: { consecutiveFailures: 2 } }, { outcomes: 'exact' });
    const statuses: BreakerStoreStatus[] = [];
    a!.breaker.onStoreStatus((event) => statuses.push(event));
    a!.client.disconnect(); // the store's client is gone: scripts fail at once
    expect(a!.breaker.acquire()).toMatchObject({ admitted: true }); // synchronous: no round trip
    await a!.breaker.execute(fail).catch(() => undefined);
    await until(() => statuses.length > 0);
    expect(statuses[0]).toMatchObject({ breaker: 'db', status: 'local' });
    for (let i = 0; i < 2; i++) await a!.breaker.execute(fail).catch(() => undefined);
    expect(a!.breaker.state).toBe('open'); // the local breaker, same options
    expect(a!.store.breakerStatus()).toEqual({ db: 'local' });
  });
});

describe('shared breaker whose clock is not the store timers', () => {
  it("times its scripts on the store's timers: a breaker clock of another time does not fail a call early", async () => {
    const client = await connectClient(redis.server.port);
    const store = new RedisStore({ client, prefix: `unit-clock-${++run}`, clock: 'client', commandTimeout: 1_000 });
    opened.push({ client, store });
    // Three years before the store's real-time timers: a deadline taken from it would already have passed.
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(1_700_000_000_000), store, trip: { consecutiveFailures: 3 } });
    const statuses: BreakerStoreStatus[] = [];
    breaker.onStoreStatus((status) => statuses.push(status));
    await store.syncBreakers(); // the runner's deadline timer is armed about now, for 1 s
    await sleep(850);
    // Hold Redis for 400 ms, so that a script sent now is still waiting when that timer fires.
    const blocker = await connectClient(redis.server.port);
    const busy = blocker.eval("local t = redis.call('TIME'); local e = t[1] * 1e6 + t[2] + 400000; repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] >= e; return 1", 0);
    await sleep(20);
    await store.syncBreakers();
    await busy;
    blocker.disconnect();
    expect(statuses).toEqual([]);
    expect(store.breakerStatus()).toEqual({ db: 'shared' });
  });
});

describe('syncBreakers while a refresh is in flight', () => {
  it('reads again, so the windows are counted at the time of the sync, not at the refresh', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const client = await connectClient(redis.server.port);
    const store = new RedisStore({ client, prefix: `unit-sync-${++run}`, clock: 'client', commandTimeout: 2_000, breaker: { outcomes: 'exact', refreshInterval: 1_000 } });
    opened.push({ client, store });
    // 500 ms slices; a rate that never trips, so that only the counts are compared.
    const options = { trip: { slowCallRate: { threshold: 1, minimumCalls: 1_000, slowCallDuration: 100, window: { type: 'time' as const, duration: 2_000, buckets: 4 } } } };
    const shared = circuitBreaker({ name: 'db', clock, store, ...options });
    const local = circuitBreaker({ name: 'db', clock, ...options });
    await store.syncBreakers();
    const permits = [await shared.acquire(), await local.acquire()];
    clock.advance(120);
    for (const permit of permits) if (permit.admitted) permit.success();
    await store.syncBreakers();
    expect(shared.snapshot().slowCalls).toBe(1);
    // The refresh fires 1 s into this advance and sends a read counted at that instant, while the
    // slow call is still in the window; by the end of the advance it has left the window.
    clock.advance(1_900);
    await store.syncBreakers();
    expect(local.snapshot().slowCalls).toBe(0);
    expect(shared.snapshot().slowCalls).toBe(0);
    shared.close();
  });
});
