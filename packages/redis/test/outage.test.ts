import { monitorEventLoopDelay } from 'node:perf_hooks';
import { rateLimit, type StoreFailure } from '@breakwater/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './support/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: RedisServer;
let client: Redis;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startRedis();
  // What docs/redis.md asks of a client for a rate-limit store: no offline queue, one try per command,
  // a quick reconnect.
  client = new Redis({ port: server.port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
  client.on('error', () => undefined); // connection errors while Redis is down are expected here
  await client.connect();
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  client?.disconnect();
  await server?.stop();
});

interface Sample {
  at: number;
  ms: number;
  outcome: 'admitted' | 'limited' | 'unavailable' | 'other';
}

// Each scenario with autoPipelining off and on (the default: writes held for the end of a turn must
// not outlive a dead connection or a NOSCRIPT retry), and with batchDecisions on top of the default
// (a batch's failure must reach every decision it carried).
describe.each([
  { autoPipelining: false, batchDecisions: false },
  { autoPipelining: true, batchDecisions: false },
  { autoPipelining: true, batchDecisions: true },
])('Redis killed with kill -9, then frozen with SIGSTOP, under load (%o)', ({ autoPipelining, batchDecisions }) => {
  it('never crashes or rejects unhandled; decisions return within commandTimeout + 20 ms and follow onStoreError; Redis-backed again within 2 s', async () => {
    const commandTimeout = 100;
    const store = new RedisStore({ client, prefix: `outage-${autoPipelining}-${batchDecisions}`, commandTimeout, autoPipelining, batchDecisions });
    const limits = [{ key: (id: string) => id, capacity: 1_000_000, refillRate: 1_000_000 }];
    const closed = rateLimit({ name: 'closed', store, onStoreError: 'failClosed', limits });
    const local = rateLimit({ name: 'local', store, onStoreError: 'local', limits });
    const open = rateLimit({ name: 'open', store, onStoreError: 'failOpen', limits });
    const failures: { policy: string; at: number }[] = [];
    const record = (failure: StoreFailure) => failures.push({ policy: failure.policy, at: performance.now() });
    for (const policy of [closed, local, open]) policy.onStoreFailure(record);

    const samples = new Map<string, Sample[]>([
      ['closed', []],
      ['local', []],
      ['open', []],
    ]);
    let running = true;
    const loop = async (policy: typeof closed, id: string) => {
      while (running) {
        const started = performance.now();
        let outcome: Sample['outcome'];
        try {
          outcome = (await policy.acquire(id)).admitted ? 'admitted' : 'limited';
        } catch (error) {
          outcome = (error as { code?: string }).code === 'ERR_STORE_UNAVAILABLE' ? 'unavailable' : 'other';
        }
        const ms = performance.now() - started;
        samples.get(policy.name)!.push({ at: started, ms, outcome });
        await sleep(2); // requests arrive through I/O (about 15,000 decisions a second here); so do Redis replies
      }
    };
    const lag = monitorEventLoopDelay({ resolution: 10 });
    // Warm up (scripts loaded, code compiled) before anything is measured.
    for (const policy of [closed, local, open]) for (let i = 0; i < 50; i++) await policy.acquire('warm-up');
    const loops = Array.from({ length: 30 }, (_, i) => loop([closed, local, open][i % 3]!, `client-${i}`));
    lag.enable();

    await sleep(500);
    const killedAt = performance.now();
    server.process.kill('SIGKILL');
    await sleep(1_000);
    await server.restart();
    const restartedAt = performance.now();
    await sleep(2_500);
    const stoppedAt = performance.now();
    server.process.kill('SIGSTOP');
    await sleep(1_000);
    server.process.kill('SIGCONT');
    const continuedAt = performance.now();
    await sleep(2_500);
    running = false;
    await Promise.all(loops);

    const all = [...samples.values()].flat();
    expect(unhandled).toEqual([]);
    expect(all.filter((s) => s.outcome === 'other' || s.outcome === 'limited')).toEqual([]);
    // Every decision returned within the store timeout + 20 ms. When other test processes starve this
    // one of CPU (turbo runs packages in parallel on 2 cores), a timer can fire late by the event
    // loop's own delay, which no store can help: that measured delay is allowed on top.
    lag.disable();
    const starvedMs = lag.max / 1e6;
    const sorted = all.map((s) => s.ms).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.99)]!).toBeLessThanOrEqual(commandTimeout + 20);
    expect(sorted.at(-1)!).toBeLessThanOrEqual(commandTimeout + 20 + starvedMs);
    // The outage policy: failClosed rejected with ERR_STORE_UNAVAILABLE (never a 429), the others admitted.
    expect(samples.get('closed')!.some((s) => s.outcome === 'unavailable')).toBe(true);
    expect(samples.get('open')!.every((s) => s.outcome === 'admitted')).toBe(true);
    expect(samples.get('local')!.every((s) => s.outcome === 'admitted')).toBe(true);
    expect(failures.filter((f) => f.at < killedAt)).toEqual([]); // Redis-backed before
    for (const name of ['closed', 'local', 'open']) {
      const mine = failures.filter((f) => f.policy === name);
      expect(mine.some((f) => f.at > killedAt && f.at < restartedAt)).toBe(true); // the kill was seen
      expect(mine.some((f) => f.at > stoppedAt && f.at < continuedAt)).toBe(true); // the freeze was seen
    }
    // Redis-backed again within 2 s after Redis came back, each time.
    const lastFailureBefore = (limit: number) => failures.reduce((last, f) => (f.at < limit ? Math.max(last, f.at) : last), 0);
    expect(lastFailureBefore(stoppedAt) - restartedAt).toBeLessThan(2_000);
    expect(lastFailureBefore(Number.POSITIVE_INFINITY) - continuedAt).toBeLessThan(2_000);
    expect(failures.filter((f) => f.at > continuedAt + 2_000)).toEqual([]);
    expect(all.filter((s) => s.at > continuedAt + 2_000).length).toBeGreaterThan(0);
  }, 30_000);
});

describe.each([
  { autoPipelining: false, batchDecisions: false },
  { autoPipelining: true, batchDecisions: false },
  { autoPipelining: true, batchDecisions: true },
])('SCRIPT FLUSH every second during load (%o)', ({ autoPipelining, batchDecisions }) => {
  it('surfaces 0 errors: NOSCRIPT is answered by loading the script again', async () => {
    const store = new RedisStore({ client, prefix: `flush-load-${autoPipelining}-${batchDecisions}`, commandTimeout: 1_000, autoPipelining, batchDecisions });
    const spec = { id: 'flush', algorithm: 'gcra', limit: 1_000_000, periodMs: 1000, burst: 1_000_000 } as const;
    const batch = [spec, { id: 'flush-window', algorithm: 'sliding-window', limit: 1_000_000, windowMs: 1000 } as const];
    let running = true;
    let errors = 0;
    let decisions = 0;
    const loops = Array.from({ length: 20 }, async (_, i) => {
      while (running) {
        try {
          if (i % 2 === 0) await store.consume(spec, `k${i}`, 1, 0);
          else await store.consumeAll(batch, [`k${i}`, `k${i}`], 1, 0);
          decisions++;
        } catch {
          errors++;
        }
      }
    });
    const flusher = new Redis({ port: server.port, host: '127.0.0.1' });
    for (let i = 0; i < 3; i++) {
      await sleep(1_000);
      await flusher.script('FLUSH');
    }
    await sleep(200);
    running = false;
    await Promise.all(loops);
    flusher.disconnect();
    expect(errors).toBe(0);
    expect(decisions).toBeGreaterThan(100);
  }, 20_000);
});
