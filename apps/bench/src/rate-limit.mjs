/**
 * Rate-limit benchmarks: the cost of one token-bucket decision, side by side in one process with
 * a bare `await fn()`, a hand-written token bucket (the floor) and rate-limiter-flexible's
 * `RateLimiterMemory.consume`, on one hot key and on 10,000 rotating keys; then the memory store's
 * heap per key for 1,000,000 keys.
 *
 *   node --expose-gc src/rate-limit.mjs [--processes N] [--keys N] [--skip-memory] [--out DIR]
 *
 * Every measured function has the same shape, `async () => { if ((await X) !== 1) bad++; }`, so the
 * only difference between a case and the bare baseline is the limiter. Limits are set so high that
 * nothing is ever refused: the figures are the admitted path. Each process runs every case once;
 * the report gives the median over processes of each case's mean, and of its overhead over the bare
 * call measured in the same process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FloorTokenBucket } from './floor.mjs';
import { median } from './processes.mjs';
import { fixedClock } from './subjects.mjs';
import { MemoryStore, rateLimit } from '@breakwater/core';
import { bench, group, run } from 'mitata';
import { RateLimiterMemory } from 'rate-limiter-flexible';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    processes: { type: 'string', default: process.env.BENCH_PROCESSES ?? '3' },
    keys: { type: 'string', default: '1000000' },
    'skip-memory': { type: 'boolean', default: false },
    out: { type: 'string', default: join(here, '..', 'results') },
  },
});

const ROTATING_KEYS = 10_000;
const WARM_CALLS = 20_000;
const HUGE = 1_000_000_000;
const CASES = [
  { key: 'bare', label: 'bare `await fn()`' },
  { key: 'floor', label: 'floor: hand-written token bucket `tryTake()` + await' },
  { key: 'rlf-hot', label: 'rate-limiter-flexible `RateLimiterMemory.consume`, 1 hot key' },
  { key: 'rlf-10k', label: 'rate-limiter-flexible `RateLimiterMemory.consume`, 10k rotating keys' },
  { key: 'breakwater-hot', label: 'Breakwater token bucket `execute`, 1 hot key' },
  { key: 'breakwater-10k', label: 'Breakwater token bucket `execute`, 10k rotating keys' },
  { key: 'breakwater-acquire-hot', label: 'Breakwater token bucket `acquire` (permit form), 1 hot key' },
  { key: 'breakwater-hot-fixed-clock', label: 'diagnostic: Breakwater `execute`, 1 hot key, injected clock that reads no time' },
  { key: 'date-now', label: 'diagnostic: `Date.now()` + bare await (the clock read every limiter pays)' },
];
const TARGETS = { 'breakwater-hot': 70, 'breakwater-10k': 150 };
/**
 * The same limits read against the peer: issue 3 quotes rate-limiter-flexible's overhead on the
 * machine its limits were set on (293 ns on a hot key, 555 ns over 10,000 keys), so 70 ns and 150 ns
 * are 0.24× and 0.27× of it. A ratio taken within one process holds when the machine runs faster
 * or slower than that one, which the absolute limits do not.
 */
const PEER_RATIOS = [
  { key: 'breakwater-hot', peer: 'rlf-hot', quotedPeerNs: 293 },
  { key: 'breakwater-10k', peer: 'rlf-10k', quotedPeerNs: 555 },
].map(({ key, peer, quotedPeerNs }) => ({ key, peer, limit: TARGETS[key] / quotedPeerNs }));

if (values.child === 'speed') await measureSpeed();
else if (values.child === 'memory' || values.child === 'memory-held') measureMemory(Number(values.keys), values.child === 'memory-held');
else await main();

// ---------- one measuring process ----------

async function measureSpeed() {
  const fn = async () => 1;
  const keys = Array.from({ length: ROTATING_KEYS }, (_, i) => `client-${i}`);
  let bad = 0;
  let next = 0;
  const rotating = () => keys[(next = next + 1 === ROTATING_KEYS ? 0 : next + 1)];

  const floor = new FloorTokenBucket(HUGE, HUGE);
  const rlf = new RateLimiterMemory({ points: HUGE, duration: 3600 });
  const limiter = rateLimit({ name: 'bench', limits: [{ key: (k) => k, capacity: HUGE, refillRate: HUGE, refillInterval: '1s' }] });
  const unclocked = rateLimit({ name: 'bench-fixed', clock: fixedClock, limits: [{ key: (k) => k, capacity: HUGE, refillRate: HUGE, refillInterval: '1s' }] });
  let sink = 0;
  const hotOptions = { input: 'hot' };
  const rotatingOptions = keys.map((input) => ({ input }));

  const subjects = {
    bare: async () => {
      if ((await fn()) !== 1) bad++;
    },
    floor: async () => {
      if (!floor.tryTake()) throw new Error('the floor bucket refused');
      if ((await fn()) !== 1) bad++;
    },
    'rlf-hot': async () => {
      await rlf.consume('hot');
      if ((await fn()) !== 1) bad++;
    },
    'rlf-10k': async () => {
      await rlf.consume(rotating());
      if ((await fn()) !== 1) bad++;
    },
    'breakwater-hot': async () => {
      if ((await limiter.execute(fn, hotOptions)) !== 1) bad++;
    },
    'breakwater-10k': async () => {
      if ((await limiter.execute(fn, rotatingOptions[(next = next + 1 === ROTATING_KEYS ? 0 : next + 1)])) !== 1) bad++;
    },
    'breakwater-hot-fixed-clock': async () => {
      if ((await unclocked.execute(fn, hotOptions)) !== 1) bad++;
    },
    'date-now': async () => {
      sink += Date.now() & 1;
      if ((await fn()) !== 1) bad++;
    },
    'breakwater-acquire-hot': async () => {
      const admission = limiter.acquire('hot');
      if (!admission.admitted) throw new Error('refused');
      if ((await fn()) !== 1) bad++;
      admission.success();
    },
  };

  group('token-bucket decision', () => {
    for (const { key } of CASES) {
      bench(key, async function* () {
        for (let i = 0; i < WARM_CALLS; i++) await subjects[key]();
        yield subjects[key];
      });
    }
  });
  const { benchmarks } = await run({ format: 'quiet', throw: true });
  const results = {};
  for (const trial of benchmarks) results[trial.alias] = { avg: trial.runs[0].stats.avg, p50: trial.runs[0].stats.p50 };
  const snapshot = limiter.snapshot();
  const checks = { bad, rejected: snapshot.rejected + unclocked.snapshot().rejected, limited: snapshot.limited, breakwaterKeys: snapshot.store?.keys, sink };
  process.stdout.write(JSON.stringify({ results, checks }));
  process.exit(0);
}

/**
 * Bytes per key of the memory store at `count` keys (heap plus ArrayBuffers after GC). With `held`,
 * the caller keeps the key strings anyway (as a server keeps its clients' addresses only while
 * requests run, this is the store's own cost); without, the store alone holds short key strings.
 */
function measureMemory(count, held) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const measure = () => {
    for (let i = 0; i < 3; i++) globalThis.gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const spec = { id: 'bench:per-client', algorithm: 'token-bucket', capacity: 100, refillRate: 10, refillIntervalMs: 1000 };
  const now = Date.now();
  const keys = held ? Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`) : [];
  const before = measure();
  const store = new MemoryStore({ maxKeys: count });
  if (held) for (const key of keys) store.consume(spec, key, 1, now);
  else for (let i = 0; i < count; i++) store.consume(spec, `user-${i}`, 1, now);
  const bytesPerKey = (measure() - before) / count;
  process.stdout.write(JSON.stringify({ count, bytesPerKey, keysHeld: store.stats().keys, callerKeys: keys.length }));
  process.exit(0);
}

// ---------- the parent: run processes, aggregate, report ----------

async function main() {
  const processes = Number(values.processes);
  const runs = [];
  console.error(`rate-limit benchmarks: ${processes} process(es), ${process.version}`);
  for (let i = 0; i < processes; i++) {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', 'speed'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`speed process ${i + 1} failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout);
    if (result.checks.bad !== 0 || result.checks.rejected !== 0) throw new Error(`a check failed: ${JSON.stringify(result.checks)}`);
    runs.push(result);
    const line = CASES.map(({ key }) => `${key} ${Math.round(result.results[key].avg)}`).join(', ');
    console.error(`  process ${i + 1}/${processes}: ${line} (ns/call)`);
  }
  let memory = null;
  if (!values['skip-memory']) {
    const measure = (mode) => {
      const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode, '--keys', values.keys], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`memory process failed: ${child.stderr}`);
      return JSON.parse(child.stdout);
    };
    const held = measure('memory-held');
    const owned = measure('memory');
    memory = { count: held.count, withoutKeys: held.bytesPerKey, withKeys: owned.bytesPerKey, keysHeld: [held.keysHeld, owned.keysHeld] };
  }
  const rows = CASES.map(({ key, label }) => {
    const overheads = runs.map((r) => r.results[key].avg - r.results.bare.avg);
    const overheadsP50 = runs.map((r) => r.results[key].p50 - r.results.bare.p50);
    return {
      key,
      label,
      avg: median(runs.map((r) => r.results[key].avg)),
      p50: median(runs.map((r) => r.results[key].p50)),
      overhead: key === 'bare' ? null : median(overheads),
      overheadP50: key === 'bare' ? null : median(overheadsP50),
      target: TARGETS[key] ?? null,
    };
  });
  const ratios = PEER_RATIOS.map(({ key, peer, limit }) => {
    const overheadOf = (r, k) => r.results[k].avg - r.results.bare.avg;
    const perProcess = runs.map((r) => overheadOf(r, key) / overheadOf(r, peer));
    return { key, peer, limit, median: median(perProcess), min: Math.min(...perProcess), max: Math.max(...perProcess) };
  });
  const report = render(rows, ratios, memory, processes);
  console.log(report);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'rate-limit-latest.md'), `${report}\n`);
  writeFileSync(join(values.out, 'rate-limit-latest.json'), `${JSON.stringify({ node: process.version, processes, rows, ratios, memory }, null, 2)}\n`);
}

function render(rows, ratios, memory, processes) {
  const ns = (value) => (value === null ? '—' : Math.round(value).toLocaleString('en-US'));
  const lines = [
    `Node ${process.version}, ${processes} fresh process(es), medians; overhead = case − bare in the same process.`,
    '',
    '| case | ns/call (mean) | ns/call (p50) | overhead ns (mean) | overhead ns (p50) | target |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const verdict = row.target === null ? '' : `≤ ${row.target} ns: ${row.overhead <= row.target ? 'met' : 'not met'}`;
    lines.push(`| ${row.label} | ${ns(row.avg)} | ${ns(row.p50)} | ${ns(row.overhead)} | ${ns(row.overheadP50)} | ${verdict} |`);
  }
  lines.push('', '| Breakwater overhead ÷ rate-limiter-flexible\'s, same process | median (min..max) | limit (70 of 293 ns, 150 of 555 ns) | met |', '|---|---:|---:|---|');
  for (const { key, peer, limit, median: ratio, min, max } of ratios) {
    lines.push(`| ${key} ÷ ${peer} | ${ratio.toFixed(2)}× (${min.toFixed(2)}..${max.toFixed(2)}) | ${limit.toFixed(2)}× | ${ratio <= limit ? 'yes' : '**no**'} |`);
  }
  if (memory) {
    lines.push('', `Memory store, ${memory.count.toLocaleString('en-US')} token-bucket keys (heap + ArrayBuffers after GC): ` +
      `**${Math.round(memory.withoutKeys)} bytes per key** without the key strings the caller already holds, ` +
      `**${Math.round(memory.withKeys)} bytes per key** with short key strings (\`user-<n>\`) held only by the store. Target ≤ 200.`);
  }
  return lines.join('\n');
}
