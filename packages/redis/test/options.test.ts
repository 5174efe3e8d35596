import { ConfigError } from '@breakwater/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';

const spec = { id: 'o', algorithm: 'fixed-window', limit: 1, windowMs: 1000 } as const;

describe('RedisStore options', () => {
  it('default to Redis time, prefix "breakwater", a 100 ms command timeout, a 10,000-key blocked cache and one write per call', () => {
    const client = new Redis({ lazyConnect: true });
    const store = new RedisStore({ client });
    expect(store.options).toMatchObject({ prefix: 'breakwater', clock: 'redis', commandTimeoutMs: 100, blockedCacheSize: 10_000, maxInFlight: 10_000, autoPipelining: true, batchDecisions: false });
    expect(store.shared).toBe(true);
    expect(store.client).toBe(client);
  });

  it('accept durations as strings', () => {
    expect(new RedisStore({ client: new Redis({ lazyConnect: true }), commandTimeout: '250ms' }).options.commandTimeoutMs).toBe(250);
  });

  it('throw a ConfigError naming every bad option and the value received', () => {
    const make = () =>
      new RedisStore({ client: {} as never, prefix: 'a{b}', clock: 'local' as never, commandTimeout: 0, blockedCacheSize: -1, maxInFlight: 0, autoPipelining: 'yes' as never, batchDecisions: 1 as never });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/RedisStore\.client.*RedisStore\.prefix.*"a\{b\}".*RedisStore\.clock.*"local".*RedisStore\.commandTimeout.*RedisStore\.blockedCacheSize.*RedisStore\.maxInFlight.*RedisStore\.autoPipelining.*"yes".*RedisStore\.batchDecisions.*1/);
  });

  it('default the shared breaker to batched outcomes every 100 ms (or 100 failures), a 1 s refresh and a 1-day key TTL', () => {
    expect(new RedisStore({ client: new Redis({ lazyConnect: true }) }).options.breaker).toEqual({
      outcomes: 'batched',
      flushIntervalMs: 100,
      flushSize: 100,
      refreshIntervalMs: 1_000,
      keyTtlMs: 86_400_000,
    });
  });

  it('throw a ConfigError naming every bad breaker option and the value received', () => {
    const make = () =>
      new RedisStore({ client: new Redis({ lazyConnect: true }), breaker: { outcomes: 'sometimes' as never, flushInterval: 0, flushSize: 0.5, refreshInterval: 'soon' as never, keyTtl: -1 } });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(
      /RedisStore\.breaker\.outcomes.*"sometimes".*RedisStore\.breaker\.flushInterval.*received 0.*RedisStore\.breaker\.flushSize.*0\.5.*RedisStore\.breaker\.refreshInterval.*"soon".*RedisStore\.breaker\.keyTtl.*-1/s,
    );
  });

  it('warn about a client that queues commands without bound while offline', () => {
    expect(new RedisStore({ client: new Redis({ lazyConnect: true, maxRetriesPerRequest: null }) }).warning).toMatch(/enableOfflineQueue/);
    expect(new RedisStore({ client: new Redis({ lazyConnect: true, enableOfflineQueue: false }) }).warning).toBeUndefined();
    expect(new RedisStore({ client: new Redis({ lazyConnect: true }) }).warning).toBeUndefined(); // maxRetriesPerRequest 20 bounds it
  });

  it('fails at once with ERR_STORE_UNAVAILABLE while the connection is not ready, queueing nothing', async () => {
    const client = new Redis({ lazyConnect: true });
    const store = new RedisStore({ client });
    await expect(store.consume(spec, 'k', 1, 0)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', reason: 'redis connection is wait' });
    await expect(store.consumeAll([spec], ['k'], 1, 0)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    await expect(store.peek(spec, 'k', 0)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(client.status).toBe('wait');
  });
});
