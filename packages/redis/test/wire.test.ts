import { type LimitSpec, MemoryStore } from '@breakwater/core';
import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisStore, type RedisStoreOptions, tokenBucketScript } from '../src/index.js';
import { frameOf, ScriptCall } from '../src/script-call.js';
import { useRedis } from './support/redis-fixture.js';

const redis = useRedis();

// 2^21: below it an admission comes back as one integer, from it on as an array.
const compactLimit = 2 ** 21;
const day = 86_400_000;

describe('the reply: one integer for an admission that fits, an array otherwise', () => {
  const cases: [string, LimitSpec, number][] = [
    ['compact: remaining 2^21 - 1', { id: 'c', algorithm: 'token-bucket', capacity: compactLimit, refillRate: 1, refillIntervalMs: 1000 }, 1],
    ['array: remaining 2^21', { id: 'a', algorithm: 'token-bucket', capacity: compactLimit + 1, refillRate: 1, refillIntervalMs: 1000 }, 1],
    ['array: a refusal', { id: 'r', algorithm: 'fixed-window', limit: 2, windowMs: 60_000 }, 3],
    ['compact: a 31-day window', { id: 'm', algorithm: 'calendar-window', limit: 5, windowStart: 0, windowEnd: 31 * day }, 1],
    ['array: resetAt 2^32 ms away or more', { id: 'l', algorithm: 'calendar-window', limit: 5, windowStart: 0, windowEnd: 60 * day }, 1],
    ['array: GCRA with a wide burst', { id: 'g', algorithm: 'gcra', limit: 10, periodMs: 1000, burst: 3_000_000 }, 2],
  ];

  it.each(cases)('%s: the decisions of the memory store, to the millisecond', async (_, spec, rounds) => {
    const store = new RedisStore({ client: redis.client, prefix: `reply-${spec.id}`, clock: 'client', commandTimeout: 2000, blockedCacheSize: 0 });
    const memory = new MemoryStore();
    for (let i = 0; i < rounds; i++) {
      const now = 1_000 + i * 7;
      expect(await store.consume(spec, 'k', 1, now)).toEqual(await memory.consume(spec, 'k', 1, now));
    }
    expect(await store.peek(spec, 'k', 2_000)).toEqual(await memory.peek(spec, 'k', 2_000));
    expect(await store.consume(spec, 'k', 0, 2_000)).toEqual(await memory.consume(spec, 'k', 0, 2_000));
  });

  it('consumeAll reports each limit with its own limit and resetAt', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'reply-batch', clock: 'client', commandTimeout: 2000 });
    const memory = new MemoryStore();
    const specs: LimitSpec[] = [cases[0]![1], { id: 'w', algorithm: 'sliding-window', limit: 3, windowMs: 10_000 }, cases[4]![1]];
    const keys = ['k', 'k', 'k'];
    for (let i = 0; i < 4; i++) expect(await store.consumeAll(specs, keys, 1, 5_000 + i)).toEqual(await memory.consumeAll(specs, keys, 1, 5_000 + i));
  });
});

describe('on Redis time', () => {
  it("resetAt is on the caller's own clock: Redis decides, the reply is relative", async () => {
    const anHourAhead = { now: () => Date.now() + 3_600_000, setTimeout, clearTimeout };
    const store = new RedisStore({ client: redis.client, prefix: 'reply-time', timers: anHourAhead, commandTimeout: 2000 });
    const spec = { id: 'w', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 } as const;
    const before = anHourAhead.now();
    const decision = await store.consume(spec, 'k', 1, before);
    expect(decision).toMatchObject({ allowed: true, limit: 5, remaining: 4 });
    expect(decision.resetAt).toBeGreaterThan(before);
    expect(decision.resetAt - before).toBeLessThanOrEqual(60_000 + 50);
    const peeked = await store.peek(spec, 'k', anHourAhead.now());
    expect(peeked.remaining).toBe(4);
    expect(Math.abs(peeked.resetAt - decision.resetAt)).toBeLessThanOrEqual(50);
  });
});

describe('the wire frame of a cost-1 call', () => {
  const owner = { settled: () => undefined, send: () => undefined };
  const decode = () => null;

  it.each(['client-1', 'ünïcødé-用户-🔑', ''])('is byte for byte what ioredis writes (key %j)', (client) => {
    const key = `pre:tb:{${client}}`;
    const params = ['100', '10', '1000'];
    const args = [tokenBucketScript.sha, '1', key, ...params];
    const framed = new ScriptCall(owner, tokenBucketScript, [...args], { replyEncoding: 'utf8' }, decode, key, 1, 0, 100, frameOf(tokenBucketScript.sha, params), 0, 1);
    expect(framed.toWritable({})).toBe(new Command('evalsha', [...args]).toWritable({}));
  });

  it("carries the client's key prefix, which ioredis writes into the command's keys", () => {
    const params = ['100', '10', '1000'];
    const args = [tokenBucketScript.sha, '1', 'tb:{k}', ...params];
    const options = { replyEncoding: 'utf8' as const, keyPrefix: 'app:' };
    const framed = new ScriptCall(owner, tokenBucketScript, [...args], options, decode, 'tb:{k}', 1, 0, 100, frameOf(tokenBucketScript.sha, params), 0, 1);
    const written = framed.toWritable({});
    expect(written).toBe(new Command('evalsha', [...args], options).toWritable({}));
    expect(written).toContain('\r\napp:tb:{k}\r\n');
  });

  it('counts a non-ASCII client key by its bytes, in Redis too', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'wire', commandTimeout: 2000 });
    const spec = { id: 'tb', algorithm: 'token-bucket', capacity: 3, refillRate: 1, refillIntervalMs: 60_000 } as const;
    expect(await store.consume(spec, 'ünï-用户', 1, 0)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await store.consume(spec, 'ünï-用户', 1, 0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await redis.client.keys('wire:*')).toEqual(['wire:tb:{ünï-用户}']);
  });
});

describe('autoPipelining', () => {
  const spec = { id: 'tb', algorithm: 'token-bucket', capacity: 100, refillRate: 1, refillIntervalMs: 60_000 } as const;

  type Writer = (this: unknown, ...args: unknown[]) => unknown;

  /** Counts the socket's writes to the kernel: `_write` for one chunk, `_writev` for several held ones. */
  interface WriteCounts {
    single: number;
    batches: number[];
  }

  function countWrites(stream: { _write: Writer; _writev?: Writer }) {
    const seen: WriteCounts = { single: 0, batches: [] };
    const { _write: write, _writev: writev } = stream;
    stream._write = function (this: unknown, ...args: unknown[]) {
      seen.single++;
      return write.apply(this, args);
    };
    stream._writev = function (this: unknown, ...args: unknown[]) {
      seen.batches.push((args[0] as unknown[]).length);
      return writev?.apply(this, args);
    };
    return { seen, restore: () => Object.assign(stream, { _write: write, _writev: writev }) };
  }

  /** Resolves after the check phase of this turn (the store's writes of this turn are out by then). */
  const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

  /**
   * Runs `body` with a store made with `options` (its script already loaded, so that no NOSCRIPT
   * retry is counted) while the client socket's writes are counted.
   */
  async function counting(options: Partial<RedisStoreOptions> & { prefix: string }, body: (store: RedisStore, seen: WriteCounts) => Promise<void>) {
    const store = new RedisStore({ client: redis.client, commandTimeout: 2000, ...options });
    await store.consume(spec, 'warm', 1, 0);
    const counter = countWrites(redis.client.stream as never);
    try {
      await body(store, counter.seen);
    } finally {
      counter.restore();
    }
  }

  it('is on by default: the calls of one turn go out together, 16 per write, each still its own exact decision', () =>
    counting({ prefix: 'piped' }, async (store, seen) => {
      const pending = Array.from({ length: 40 }, (_, i) => store.consume(spec, i % 2 === 0 ? 'even' : 'odd', 1, 0));
      // The first 32 went out as soon as 16 were waiting; the last 8 wait for the end of the turn.
      expect(seen).toEqual({ single: 0, batches: [16, 16] });
      await endOfTurn();
      expect(seen).toEqual({ single: 0, batches: [16, 16, 8] });
      const decisions = await Promise.all(pending);
      for (const key of [0, 1]) {
        const remaining = decisions.filter((_, i) => i % 2 === key).map((d) => d.remaining);
        expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => 99 - i));
      }
    }));

  it("never holds the application's own commands on the same client", () =>
    counting({ prefix: 'piped-app' }, async (store, seen) => {
      const decisions = [store.consume(spec, 'k', 1, 0), store.consume(spec, 'k', 1, 0)];
      const own = redis.client.set('piped-app:own', 'v');
      expect(seen).toEqual({ single: 1, batches: [] });
      await endOfTurn();
      expect(seen).toEqual({ single: 1, batches: [2] });
      expect(await own).toBe('OK');
      expect((await Promise.all(decisions)).map((d) => d.remaining)).toEqual([99, 98]);
    }));

  it('with autoPipelining: false, a call is written as soon as it is made', () =>
    counting({ prefix: 'unpiped', autoPipelining: false }, async (store, seen) => {
      const pending = Array.from({ length: 20 }, () => store.consume(spec, 'k', 1, 0));
      // The first write goes out at once; the socket holds the rest only while that one is in flight.
      expect(seen.single).toBeGreaterThanOrEqual(1);
      expect(seen.single + seen.batches.reduce((a, b) => a + b, 0)).toBe(20);
      await Promise.all(pending);
    }));

  it("writes a decision batch's call in the turn it is made, not one turn later", () =>
    counting({ prefix: 'piped-batch', batchDecisions: true }, async (store, seen) => {
      const pending = Array.from({ length: 5 }, () => store.consume(spec, 'k', 1, 0));
      expect(seen).toEqual({ single: 0, batches: [] });
      await endOfTurn();
      expect(seen).toEqual({ single: 1, batches: [] });
      expect((await Promise.all(pending)).map((d) => d.remaining)).toEqual([99, 98, 97, 96, 95]);
    }));
});
