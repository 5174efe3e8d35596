import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from './support/redis-server.js';

const worker = fileURLToPath(new URL('./support/accuracy-worker.mjs', import.meta.url));

let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await startRedis();
  client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  await client.connect();
});

afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

const workers = 4;
const clientsPerWorker = 50;
// The run: 20 s for the store as shipped; the batched variant and the naive store's check run 5 s.
const fullMs = 20_000;
const shortMs = 5_000;
const rate = 100; // per second
const burst = 100;
const spec = { id: 'accuracy', algorithm: 'token-bucket', capacity: burst, refillRate: rate, refillIntervalMs: 1000 } as const;

async function redisNow(): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

interface WorkerResult {
  admitted: number;
  calls: number;
  errors: number;
  firstAt: number;
}

/** Starts one worker process; resolves once it has connected to Redis and is ready to be told when to start. */
function startWorker(mode: 'lua' | 'lua-batched' | 'naive', prefix: string): Promise<{ go(startAt: number, endAt: number): Promise<WorkerResult> }> {
  const child = fork(worker, [String(server.port), mode, String(clientsPerWorker), prefix, JSON.stringify(spec)], { stdio: 'inherit' });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.on('message', (message: { result?: WorkerResult }) => message.result && resolve(message.result));
    child.once('exit', (code) => reject(new Error(`accuracy worker exited with ${code} before reporting`)));
  });
  return new Promise((resolve, reject) => {
    child.once('message', () =>
      resolve({
        go: (startAt, endAt) => {
          child.send({ startAt, endAt });
          return result;
        },
      }),
    );
    child.once('error', reject);
  });
}

/** 4 processes × 50 concurrent clients on one bucket; returns the totals and the bounds. */
async function load(mode: 'lua' | 'lua-batched' | 'naive', prefix: string, durationMs: number) {
  // Every worker is connected before the start is set, however slowly a loaded machine starts processes.
  const started = await Promise.all(Array.from({ length: workers }, () => startWorker(mode, prefix)));
  const startAt = Date.now() + 100;
  const endAt = startAt + durationMs;
  const results = await Promise.all(started.map((w) => w.go(startAt, endAt)));
  const after = await redisNow(); // later than every decision Redis made (same host clock as the workers)
  // The bucket starts full at the first call anywhere; from then on 200 busy clients should take every token.
  const firstAt = Math.min(...results.map((r) => r.firstAt));
  const busyMs = endAt - firstAt;
  const elapsedMs = after - firstAt; // covers every decision
  const admitted = results.reduce((sum, r) => sum + r.admitted, 0);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  const ceiling = Math.floor((rate * elapsedMs) / 1000) + burst; // the most the bucket may admit
  const expected = Math.floor((rate * busyMs) / 1000) + burst; // what 200 busy clients should get
  return { admitted, errors, ceiling, expected, over: Math.max(0, admitted - ceiling), underShare: Math.max(0, expected - admitted) / expected };
}

/** The accuracy rule: no admission past the bucket's contract, at most 2 % under it, no errors. */
function violations(result: Awaited<ReturnType<typeof load>>): string[] {
  const found: string[] = [];
  if (result.over > 0) found.push(`admitted ${result.admitted}, ${result.over} over the ceiling ${result.ceiling}`);
  if (result.underShare > 0.02) found.push(`admitted ${result.admitted}, ${(result.underShare * 100).toFixed(1)} % under ${result.expected}`);
  if (result.errors > 0) found.push(`${result.errors} errors`);
  return found;
}

describe('accuracy across processes (4 workers × 50 clients, token bucket 100/s burst 100)', () => {
  it('RedisStore admits no more than the bucket allows and at most 2 % less (20 s)', async () => {
    const result = await load('lua', 'acc-lua', fullMs);
    console.log('accuracy (RedisStore):', JSON.stringify(result));
    expect(violations(result)).toEqual([]);
    expect(result.admitted).toBeGreaterThan(0);
  });

  it('so does the RedisStore with batchDecisions (each process sends its decisions in batches; 5 s)', async () => {
    const result = await load('lua-batched', 'acc-lua-batched', shortMs);
    console.log('accuracy (RedisStore, batchDecisions):', JSON.stringify(result));
    expect(violations(result)).toEqual([]);
    expect(result.admitted).toBeGreaterThan(0);
  });

  it('the same harness fails a naive read-modify-write store (GET, decide in JS, SET): it over-admits (5 s)', async () => {
    const result = await load('naive', 'acc-naive', shortMs);
    console.log('accuracy (naive store):', JSON.stringify(result));
    expect(result.over).toBeGreaterThan(0);
    expect(violations(result).join('; ')).toMatch(/over the ceiling/);
  });
});
