/**
 * Shared circuit breaker benchmark (docs/shared-breaker.md): what sharing a breaker's state through
 * Redis costs a closed breaker's caller, and how many commands an instance sends. Starts its own
 * redis-server on a free loopback port (no persistence) and stops it.
 *
 * 1. CPU per call (closed state, `execute` of `async () => 1`): the in-process breaker, the shared
 *    breaker in batched mode (the default) and in exact mode, and a bare call. Each subject runs for
 *    `--ms` in a loop that yields to the event loop every 1,000 calls (so flush timers and replies run
 *    and their CPU is counted); CPU is `process.cpuUsage()` (user + system) over calls. Subjects are
 *    interleaved over `--rounds` rounds; the median is reported. Redis's own CPU is not counted here.
 * 2. Commands per flush interval: during the batched rounds, `INFO commandstats` on the dedicated
 *    redis-server counts the EVALSHA / EVAL calls this instance sent, divided by the breakers loaded
 *    and the flush intervals elapsed.
 *
 *   node src/shared-breaker.mjs [--ms N] [--rounds N] [--breakers N] [--out DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { circuitBreaker } from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Redis } from 'ioredis';
import { median } from './processes.mjs';
import { startRedis } from './redis-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    ms: { type: 'string', default: '1500' },
    rounds: { type: 'string', default: '5' },
    breakers: { type: 'string', default: '2' },
    out: { type: 'string', default: join(here, '..', 'results') },
  },
});
const RUN_MS = Number(values.ms);
const ROUNDS = Number(values.rounds);
const BREAKERS = Number(values.breakers);
const FLUSH_MS = 100;

const redis = await startRedis();
const { port } = redis;

const connect = async () => {
  const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  return client;
};
// One client per store: the exact subject's flood of scripts must not delay the batched one's replies.
const batchedClient = await connect();
const exactClient = await connect();
const statsClient = await connect();
const batchedStore = new RedisStore({ client: batchedClient, prefix: 'bench-batched', breaker: { flushInterval: FLUSH_MS } });
const exactStore = new RedisStore({ client: exactClient, prefix: 'bench-exact', breaker: { outcomes: 'exact' } });
const trip = { consecutiveFailures: 5, failureRate: { threshold: 0.5, minimumCalls: 20, window: { type: 'count', size: 100 } } };
const ok = async () => 1;

const many = (make) => Array.from({ length: BREAKERS }, (_, i) => make(i));
function sharedSubject(name, store, prefix) {
  const breakers = many((i) => circuitBreaker({ name: `${prefix}-${i}`, trip, store }));
  return { name, store, breakers, calls: breakers.map((b) => () => b.execute(ok)) };
}
const subjects = [
  { name: 'bare `await fn()`', calls: [ok] },
  { name: 'in-process breaker `execute`', calls: many((i) => circuitBreaker({ name: `local-${i}`, trip })).map((b) => () => b.execute(ok)) },
  sharedSubject('shared breaker `execute`, batched (100 ms)', batchedStore, 'shared'),
  sharedSubject('shared breaker `execute`, exact', exactStore, 'exact'),
];
// How often a subject's breakers went local (Redis did not keep up: command timeout or in-flight cap).
const wentLocal = new Map();
for (const subject of subjects.slice(2)) {
  wentLocal.set(subject.name, 0);
  for (const breaker of subject.breakers ?? []) breaker.onStoreStatus((e) => e.status === 'local' && wentLocal.set(subject.name, wentLocal.get(subject.name) + 1));
}
await batchedStore.syncBreakers();
await exactStore.syncBreakers();

async function scriptCalls() {
  const info = await statsClient.info('commandstats');
  const count = (name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return count('evalsha') + count('eval');
}

/** Runs `calls` (round robin) for RUN_MS; returns CPU ns per call, calls, and the scripts Redis ran meanwhile. */
async function measure(subject) {
  const { calls } = subject;
  let bad = 0;
  let n = 0;
  const scriptsBefore = await scriptCalls();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < RUN_MS) {
    for (let i = 0; i < 1_000; i++) if ((await calls[i % calls.length]()) !== 1) bad++;
    n += 1_000;
    await yieldToLoop(); // timers (flushes) and replies run here, inside the measured CPU
  }
  const elapsedMs = performance.now() - t0;
  const scripts = (await scriptCalls()) - scriptsBefore;
  if (subject.store) await subject.store.syncBreakers(); // the last batch too (its CPU is counted)
  const cpu = process.cpuUsage(cpu0);
  if (bad > 0) throw new Error(`${subject.name}: ${bad} calls did not return 1`);
  return { cpuNsPerCall: ((cpu.user + cpu.system) * 1000) / n, calls: n, elapsedMs, scripts };
}

for (const subject of subjects) await measure(subject); // warm up
const results = new Map(subjects.map((s) => [s.name, []]));
for (let round = 0; round < ROUNDS; round++) for (const subject of subjects) results.get(subject.name).push(await measure(subject));

const summary = subjects.map((subject) => {
  const runs = results.get(subject.name);
  const intervals = runs.map((r) => r.elapsedMs / FLUSH_MS);
  return {
    name: subject.name,
    cpuNsPerCall: median(runs.map((r) => r.cpuNsPerCall)),
    callsPerSecond: median(runs.map((r) => (r.calls / r.elapsedMs) * 1000)),
    scriptsPerBreakerPerInterval: subject.store ? median(runs.map((r, i) => r.scripts / subject.calls.length / intervals[i])) : null,
    scriptsPerCall: subject.store ? median(runs.map((r) => r.scripts / r.calls)) : null,
    wentLocal: wentLocal.get(subject.name) ?? null,
  };
});
const [bare, local, batched, exact] = summary;
const added = batched.cpuNsPerCall - local.cpuNsPerCall;
const verdicts = [
  { goal: 'batched: CPU per call ≤ in-process breaker + 0.5 µs', value: `${added >= 0 ? '+' : ''}${(added / 1000).toFixed(3)} µs`, met: added <= 500 },
  {
    goal: `batched: Redis commands per instance per breaker ≤ 1 per flush interval (${FLUSH_MS} ms) under load`,
    value: batched.scriptsPerBreakerPerInterval.toFixed(2),
    met: batched.scriptsPerBreakerPerInterval <= 1,
  },
];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const lines = [
  `Shared circuit breaker, closed state: ${BREAKERS} breakers per subject called round robin, ${RUN_MS} ms per run, median of ${ROUNDS} rounds (one process, one local redis-server)`,
  '',
  '| subject | CPU ns/call | over in-process | calls/s | scripts per breaker per 100 ms | scripts per call | went local |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...summary.map(
    (s) =>
      `| ${s.name} | ${fmt(s.cpuNsPerCall)} | ${s === bare ? '—' : `${fmt(s.cpuNsPerCall - local.cpuNsPerCall)}`} | ${fmt(s.callsPerSecond)} | ${s.scriptsPerBreakerPerInterval === null ? '—' : s.scriptsPerBreakerPerInterval.toFixed(2)} | ${s.scriptsPerCall === null ? '—' : s.scriptsPerCall.toFixed(5)} | ${s.wentLocal ?? '—'} |`,
  ),
  '',
  '| goal | measured | met |',
  '|---|---:|---|',
  ...verdicts.map((v) => `| ${v.goal} | ${v.value} | ${v.met ? 'yes' : 'no'} |`),
];
console.log(lines.join('\n'));
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'shared-breaker.json'), JSON.stringify({ runMs: RUN_MS, rounds: ROUNDS, breakers: BREAKERS, flushIntervalMs: FLUSH_MS, summary, verdicts, runs: Object.fromEntries(results) }, null, 2));
writeFileSync(join(values.out, 'shared-breaker.md'), `${lines.join('\n')}\n`);

batchedStore.close();
exactStore.close();
batchedClient.disconnect();
exactClient.disconnect();
statsClient.disconnect();
await redis.stop();
if (verdicts.some((v) => !v.met)) process.exitCode = 1;
void exact;
