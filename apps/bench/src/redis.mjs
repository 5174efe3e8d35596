/**
 * Redis store benchmark: throughput and latency of one decision with 50 calls in flight from one
 * Node process, against one local redis-server this script starts (on a free loopback port, no
 * persistence) and stops. Cases, interleaved over several rounds in the same run:
 *
 * - raw ioredis `INCR` (the floor of one round trip);
 * - raw ioredis `EVALSHA` of the RedisStore's token-bucket script (the same work without the library);
 * - `RedisStore.consume` (the library: key building, blocked cache lookup, timeout, decision object);
 * - `rateLimit({ store: RedisStore }).acquire` (the policy on top);
 * - rate-limiter-flexible's `RateLimiterRedis.consume`.
 *
 *   node src/redis.mjs [--calls N] [--rounds N] [--in-flight N] [--out DIR]
 *
 * Limits are huge, so nothing is refused: the figures are the admitted path.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rateLimit } from '@breakwater/core';
import { RedisStore, tokenBucketScript } from '@breakwater/redis';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '50' },
    out: { type: 'string', default: join(here, '..', 'results') },
  },
});
const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);
const IN_FLIGHT = Number(values['in-flight']);
const HUGE = 1_000_000_000;

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
for (let i = 0; i < 200; i++) {
  if (spawnSync('redis-cli', ['-p', String(port), 'PING']).stdout?.toString().trim() === 'PONG') break;
  await new Promise((resolve) => setTimeout(resolve, 25));
}

const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
await client.connect();
await client.script('LOAD', tokenBucketScript.source);
const spec = { id: 'bench:tb', algorithm: 'token-bucket', capacity: HUGE, refillRate: HUGE, refillIntervalMs: 1000 };
const store = new RedisStore({ client, prefix: 'bench', commandTimeout: 1000 });
const policy = rateLimit({ name: 'bench', store, limits: [{ name: 'tb', key: (k) => k, capacity: HUGE, refillRate: HUGE }] });
const flexible = new RateLimiterRedis({ storeClient: client, keyPrefix: 'rlflx', points: HUGE, duration: 60 });
const rawArgs = ['c', '', '1', String(HUGE), String(HUGE), '1000'];

const cases = [
  { name: 'raw ioredis INCR', run: (i) => client.incr(`incr:{k${i % 100}}`) },
  { name: 'raw ioredis EVALSHA (same script)', run: (i) => client.evalsha(tokenBucketScript.sha, 1, `raw:bench:tb:{k${i % 100}}`, ...rawArgs) },
  { name: 'RedisStore.consume', run: (i) => store.consume(spec, `k${i % 100}`, 1, 0) },
  { name: 'rateLimit + RedisStore acquire', run: (i) => policy.acquire(`k${i % 100}`) },
  { name: "rate-limiter-flexible RateLimiterRedis.consume", run: (i) => flexible.consume(`k${i % 100}`) },
];

/** `CALLS` calls with `IN_FLIGHT` in flight; returns decisions per second and latency percentiles (µs). */
async function measure(run) {
  const latencies = new Float64Array(CALLS);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) {
        const i = next++;
        const t = performance.now();
        await run(i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort();
  const at = (q) => latencies[Math.min(CALLS - 1, Math.floor(q * CALLS))] * 1000;
  return { perSecond: CALLS / seconds, p50: at(0.5), p99: at(0.99) };
}

const results = new Map(cases.map((c) => [c.name, []]));
for (const c of cases) await measure(c.run); // warm up
for (let round = 0; round < ROUNDS; round++) for (const c of cases) results.get(c.name).push(await measure(c.run));

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const summary = cases.map((c) => {
  const runs = results.get(c.name);
  return { name: c.name, perSecond: median(runs.map((r) => r.perSecond)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) };
});
const incr = summary[0].perSecond;
const evalsha = summary[1];
const lines = [
  `Redis store, ${CALLS} calls per case, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds (one process, one local redis-server)`,
  '',
  '| case | decisions/s | × INCR | × EVALSHA | p50 µs | p99 µs |',
  '|---|---|---|---|---|---|',
  ...summary.map(
    (s) =>
      `| ${s.name} | ${Math.round(s.perSecond)} | ${(s.perSecond / incr).toFixed(2)} | ${(s.perSecond / evalsha.perSecond).toFixed(2)} | ${Math.round(s.p50)} | ${Math.round(s.p99)} |`,
  ),
];
console.log(lines.join('\n'));
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'redis.json'), JSON.stringify({ calls: CALLS, inFlight: IN_FLIGHT, rounds: ROUNDS, summary }, null, 2));
writeFileSync(join(values.out, 'redis.md'), `${lines.join('\n')}\n`);

client.disconnect();
redis.kill('SIGKILL');
