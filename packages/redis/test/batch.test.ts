import { type Decision, type LimitSpec, MemoryStore, StoreUnavailableError } from '@breakwater/core';
import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { manyScript, RedisStore } from '../src/index.js';
import { keysFrameOf, ScriptCall } from '../src/script-call.js';
import { commandCalls as countCommands } from './support/command-calls.js';
import { useRedis } from './support/redis-fixture.js';
import { seededRandom } from './support/seeded-random.js';

const redis = useRedis();

/** How many of the named commands Redis has run so far. */
const commandCalls = (...names: string[]): Promise<number> => countCommands(redis.client, ...names);

/** How many EVALSHA and EVAL commands Redis has run so far. */
const scriptCalls = (): Promise<number> => commandCalls('evalsha', 'eval');

const bucket = { id: 'tb', algorithm: 'token-bucket', capacity: 100, refillRate: 1, refillIntervalMs: 60_000 } as const;

describe('batchDecisions', () => {
  it('sends the decisions of one turn as one script call, each its own exact decision in the order asked', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-order', commandTimeout: 2000, batchDecisions: true });
    await store.consume(bucket, 'warm', 1, 0); // the script is loaded: no NOSCRIPT retry in the count
    const before = await scriptCalls();
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => store.consume(bucket, i % 2 === 0 ? 'even' : 'odd', 1, 0)));
    expect((await scriptCalls()) - before).toBe(1);
    for (const key of [0, 1]) {
      const remaining = decisions.filter((_, i) => i % 2 === key).map((d) => d.remaining);
      expect(remaining).toEqual([99, 98, 97, 96, 95, 94, 93, 92, 91, 90]);
    }
  });

  it('sends at most 64 decisions per call', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-size', commandTimeout: 2000, batchDecisions: true });
    await store.consume(bucket, 'warm', 1, 0);
    const before = await scriptCalls();
    const decisions = await Promise.all(Array.from({ length: 150 }, (_, i) => store.consume(bucket, `k${i % 3}`, 1, 0)));
    expect((await scriptCalls()) - before).toBe(3); // 64 + 64 + 22
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(decisions.slice(-3).map((d) => d.remaining).sort()).toEqual([50, 50, 50]);
  });

  it('charges the decisions of a batch one after another: a key named past its limit is refused in the same batch', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-refuse', clock: 'client', commandTimeout: 2000, batchDecisions: true });
    const memory = new MemoryStore();
    const spec = { id: 'fw', algorithm: 'fixed-window', limit: 3, windowMs: 10_000 } as const;
    const batched = await Promise.all(Array.from({ length: 5 }, () => store.consume(spec, 'hot', 1, 1_000)));
    const expected: Decision[] = [];
    for (let i = 0; i < 5; i++) expected.push(await memory.consume(spec, 'hot', 1, 1_000));
    expect(batched).toEqual(expected);
    expect(batched.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    // The refusal is remembered locally: the next decision on that key costs no call.
    const before = await scriptCalls();
    expect(await store.consume(spec, 'hot', 1, 1_001)).toMatchObject({ allowed: false, remaining: 0 });
    expect((await scriptCalls()) - before).toBe(0);
  });

  it('reads each key of a batch once and writes it once, however many of its decisions the batch holds', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-once', commandTimeout: 2000, batchDecisions: true });
    await store.consume(bucket, 'warm', 1, 0);
    const reads = await commandCalls('get');
    const writes = await commandCalls('set', 'del');
    // 40 decisions on a hot key, 10 on a quieter one, 1 on a third, and 5 peeks' worth of cost 0 (no write).
    const keys = [...Array.from({ length: 40 }, () => 'hot'), ...Array.from({ length: 10 }, () => 'warm'), 'cold'];
    const decisions = await Promise.all([...keys.map((key) => store.consume(bucket, key, 1, 0)), ...Array.from({ length: 5 }, () => store.consume(bucket, 'idle', 0, 0))]);
    expect((await commandCalls('get')) - reads).toBe(4);
    expect((await commandCalls('set', 'del')) - writes).toBe(3);
    expect(decisions.slice(0, 40).map((d) => d.remaining)).toEqual(Array.from({ length: 40 }, (_, i) => 99 - i));
    expect(decisions[49]?.remaining).toBe(89); // 'warm': 1 before the batch, 10 in it
    expect(await redis.client.exists('batched-once:tb:{idle}')).toBe(0);
    // The hot key keeps the last state's TTL: 40 tokens short, refilled one a minute.
    const ttlMs = await redis.client.pttl('batched-once:tb:{hot}');
    expect(ttlMs).toBeGreaterThan(40 * 60_000 - 5_000);
    expect(ttlMs).toBeLessThanOrEqual(40 * 60_000);
  });

  it('decides a key that changes algorithm within a batch as unbatched calls decide it, and writes its last state', async () => {
    const batched = new RedisStore({ client: redis.client, prefix: 'batched-switch', clock: 'client', commandTimeout: 2000, blockedCacheSize: 0, batchDecisions: true });
    const single = new RedisStore({ client: redis.client, prefix: 'single-switch', clock: 'client', commandTimeout: 2000, blockedCacheSize: 0 });
    // One limit id, two algorithms: the same state key, read as fresh whenever the other wrote it last.
    const window = { id: 'sw', algorithm: 'fixed-window', limit: 3, windowMs: 10_000 } as const;
    const gcra = { id: 'sw', algorithm: 'gcra', limit: 2, periodMs: 1_000, burst: 2 } as const;
    const calls: [LimitSpec, number][] = [[window, 1], [window, 1], [gcra, 1], [gcra, 1], [gcra, 1], [window, 2], [window, 0], [gcra, 0], [window, 1], [window, 1]];
    for (const now of [1_000, 1_000, 2_500]) {
      const got = await Promise.all(calls.map(([spec, cost]) => batched.consume(spec, 'k', cost, now)));
      const expected: Decision[] = [];
      for (const [spec, cost] of calls) expected.push(await single.consume(spec, 'k', cost, now));
      expect(got).toEqual(expected);
      const [left, right] = await Promise.all([redis.client.getBuffer('batched-switch:sw:{k}'), redis.client.getBuffer('single-switch:sw:{k}')]);
      expect(left).toEqual(right);
    }
  });

  it('sends each spec of a batch once, and a key and one short code per decision', async () => {
    const sent: string[] = [];
    const client = redis.client.duplicate();
    client.on('error', () => undefined);
    await client.connect().catch(() => undefined);
    const store = new RedisStore({ client, prefix: 'batched-wire', commandTimeout: 2000, batchDecisions: true });
    await store.consume(bucket, 'warm', 1, 0);
    const write = client.stream.write.bind(client.stream);
    client.stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      sent.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof client.stream.write;
    const window = { id: 'fw', algorithm: 'fixed-window', limit: 1_000, windowMs: 60_000 } as const;
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => store.consume(i % 3 === 0 ? window : bucket, i % 2 === 0 ? 'hot' : 'other', i % 5 === 0 ? 2 : 1, 0)));
    client.disconnect();
    expect(decisions.every((d) => d.allowed)).toBe(true);
    const wire = sent.join('');
    expect(wire.match(/\{hot\}/g)).toHaveLength(15);
    expect(wire.match(/\{other\}/g)).toHaveLength(15);
    expect(wire.split('\r\n60000\r\n')).toHaveLength(3); // each spec's numbers once
    // 30 keys of 27 bytes, 30 codes of 2 or 3 digits, and the rest: under 40 bytes a decision.
    expect(wire.length).toBeLessThan(30 * 40 + 200);
  });

  it('sends a cost too big for a batch code on its own, after the decisions asked before it', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-huge', clock: 'client', commandTimeout: 2000, blockedCacheSize: 0, batchDecisions: true });
    const memory = new MemoryStore();
    const huge = { id: 'huge', algorithm: 'token-bucket', capacity: 2 ** 52, refillRate: 1, refillIntervalMs: 1 } as const;
    // Another spec named first, so that the huge one's code carries a spec index of 1: an odd cost
    // above the bound would then not survive the arithmetic in doubles.
    const calls: [LimitSpec, number][] = [[bucket, 1], [huge, 1], [huge, 2 ** 50 + 1], [huge, 3], [huge, 2 ** 47 - 1], [huge, 2 ** 47 + 1], [huge, 0], [huge, 5]];
    await store.consume(huge, 'warm', 2 ** 50, 1_000); // both scripts loaded: no NOSCRIPT retry in the count
    await store.consume(huge, 'warm', 1, 1_000);
    const before = await scriptCalls();
    const batched = await Promise.all(calls.map(([spec, cost]) => store.consume(spec, 'k', cost, 1_000)));
    expect((await scriptCalls()) - before).toBe(5); // [1, 1], 2^50 + 1, [3, 2^47 - 1], 2^47 + 1, [0, 5]
    const expected: Decision[] = [];
    for (const [spec, cost] of calls) expected.push(await memory.consume(spec, 'k', cost, 1_000));
    expect(batched).toEqual(expected);
  });

  it('reads a key of another Redis type as fresh, so that it cannot fail the rest of its batch', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-type', commandTimeout: 2000, batchDecisions: true });
    await redis.client.hset('batched-type:tb:{poisoned}', 'field', 'value');
    await redis.client.rpush('batched-type:tb:{twice}', 'item');
    // A key named once is read on its own, a key named twice once for both: both ways read it as fresh.
    const decisions = await Promise.all(['a', 'poisoned', 'twice', 'b', 'twice'].map((key) => store.consume(bucket, key, 1, 0)));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([[true, 99], [true, 99], [true, 99], [true, 99], [true, 98]]);
    expect(await redis.client.type('batched-type:tb:{poisoned}')).toBe('string');
    expect(await redis.client.type('batched-type:tb:{twice}')).toBe('string');
  });

  it('mixes algorithms and costs in one batch, each decided as the memory store decides it', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-mixed', clock: 'client', commandTimeout: 2000, blockedCacheSize: 0, batchDecisions: true });
    const memory = new MemoryStore();
    const specs: LimitSpec[] = [
      bucket,
      { id: 'gc', algorithm: 'gcra', limit: 10, periodMs: 1000, burst: 4 },
      { id: 'sw', algorithm: 'sliding-window', limit: 5, windowMs: 10_000 },
      { id: 'fw', algorithm: 'fixed-window', limit: 2, windowMs: 10_000 },
      { id: 'cw', algorithm: 'calendar-window', limit: 7, windowStart: 0, windowEnd: 86_400_000 },
    ];
    const calls: [LimitSpec, string, number][] = [];
    for (let round = 0; round < 3; round++) for (const spec of specs) for (const cost of [1, 0, 3]) calls.push([spec, `k${round % 2}`, cost]);
    for (const now of [5_000, 5_000, 7_250]) {
      const before = await scriptCalls();
      const batched = await Promise.all(calls.map(([spec, key, cost]) => store.consume(spec, key, cost, now)));
      expect((await scriptCalls()) - before).toBe(1);
      const expected: Decision[] = [];
      for (const [spec, key, cost] of calls) expected.push(await memory.consume(spec, key, cost, now));
      expect(batched).toEqual(expected);
    }
  });

  it('decides random turns of decisions as the memory store decides them one by one (seeded)', async () => {
    const next = seededRandom(Number(process.env.BATCH_SEED ?? 20_261_201));
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const specs: LimitSpec[] = [
      { id: 'r-tb', algorithm: 'token-bucket', capacity: 6, refillRate: 1, refillIntervalMs: 400 },
      { id: 'r-gc', algorithm: 'gcra', limit: 5, periodMs: 1000, burst: 3 },
      { id: 'r-sw', algorithm: 'sliding-window', limit: 7, windowMs: 2_000 },
      { id: 'r-fw', algorithm: 'fixed-window', limit: 4, windowMs: 1_500 },
      { id: 'r-cw', algorithm: 'calendar-window', limit: 9, windowStart: 0, windowEnd: 10_000 },
    ];
    const store = new RedisStore({ client: redis.client, prefix: 'batched-random', clock: 'client', commandTimeout: 2000, batchDecisions: true });
    const memory = new MemoryStore();
    let now = 1_000;
    for (let turn = 0; turn < 60; turn++) {
      now += pick([0, 1, 50, 300, 900, 2_500]);
      // Most turns at one instant; some move the clock mid-turn (a new batch).
      const calls = Array.from({ length: 1 + Math.floor(next() * 90) }, () => ({ spec: pick(specs), key: pick(['a', 'b', 'c']), cost: pick([0, 1, 1, 1, 2, 5]), at: next() < 0.1 ? now + 7 : now }));
      calls.sort((x, y) => x.at - y.at);
      const batched = await Promise.all(calls.map((c) => store.consume(c.spec, c.key, c.cost, c.at)));
      const expected: Decision[] = [];
      for (const c of calls) expected.push(await memory.consume(c.spec, c.key, c.cost, c.at));
      expect(batched, `turn ${turn}`).toEqual(expected);
      now += 7;
    }
  });

  it("starts a new batch when the client clock moves within a turn: one batch has one 'now'", async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-clock', clock: 'client', commandTimeout: 2000, batchDecisions: true });
    const memory = new MemoryStore();
    const instants = [1_000, 1_000, 31_000, 31_000, 61_000];
    const before = await scriptCalls();
    const batched = await Promise.all(instants.map((now) => store.consume(bucket, 'k', 1, now)));
    expect((await scriptCalls()) - before).toBe(3);
    const expected: Decision[] = [];
    for (const now of instants) expected.push(await memory.consume(bucket, 'k', 1, now));
    expect(batched).toEqual(expected);
  });

  it('fails every decision of a batch that Redis does not answer in time, with StoreUnavailableError', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-timeout', commandTimeout: 50, batchDecisions: true });
    await store.consume(bucket, 'warm', 1, 0);
    const blocker = redis.client.duplicate();
    await blocker.connect().catch(() => undefined);
    try {
      // A script that holds Redis for 300 ms: the batch waits behind it past its 50 ms deadline.
      const busy = blocker.eval("local t = redis.call('TIME'); local e = t[1] * 1e6 + t[2] + 300000; repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] >= e; return 1", 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.consume(bucket, `t${i}`, 1, 0)));
      const elapsedMs = performance.now() - started;
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
      for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      expect(elapsedMs).toBeLessThan(250);
      await busy;
    } finally {
      blocker.disconnect();
    }
  });

  it('fails at once while the connection is not ready', async () => {
    const client = redis.client.duplicate({ lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisStore({ client, prefix: 'batched-down', commandTimeout: 2000, batchDecisions: true });
    await expect(store.consume(bucket, 'k', 1, 0)).rejects.toBeInstanceOf(StoreUnavailableError);
    client.disconnect();
  });

  it('counts each decision of a batch against maxInFlight, and makes no batch bigger than it', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'batched-inflight', commandTimeout: 2000, maxInFlight: 4, batchDecisions: true });
    await store.consume(bucket, 'warm', 1, 0);
    // The first four go as one call; the fifth would make five decisions waiting at once.
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.consume(bucket, `m${i}`, 1, 0)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[4] as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    const admitted = await Promise.all(Array.from({ length: 4 }, (_, i) => store.consume(bucket, `m${i}`, 1, 0)));
    expect(admitted.map((d) => d.remaining)).toEqual([98, 98, 98, 98]);
  });

  it('is written byte for byte as ioredis would write the command, key prefix included', () => {
    const owner = { settled: () => undefined, send: () => undefined };
    const keys = ['p:tb:{a}', 'p:gc:{ünï}', 'p:tb:{}'];
    const rest = ['', '2', 'tb', '100', '1', '60000', 'gc', '10', '1000', '4', '64', String(3 * 64 + 1), '0'];
    const after = rest.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');
    for (const options of [{ replyEncoding: 'utf8' as const }, { replyEncoding: 'utf8' as const, keyPrefix: 'app:' }]) {
      const args = [manyScript.sha, String(keys.length), ...keys, ...rest];
      const framed = new ScriptCall(owner, manyScript, [...args], options, () => null, '', 0, 0, 0, keysFrameOf(manyScript.sha, keys.length, rest.length, after), 0, keys.length);
      expect(framed.toWritable({})).toBe(new Command('evalsha', [...args], options).toWritable({}));
    }
  });
});
