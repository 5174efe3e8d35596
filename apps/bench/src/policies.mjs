/**
 * Per-call overhead of Breakwater's fault-tolerance policies (timeout, bulkhead, pipelines) side by
 * side with cockatiel's, in one run. Same method as the breaker benchmarks (cases.mjs, run.mjs):
 * mitata, calls awaited one after another, every case warmed with 20 k calls right before it is
 * measured and checked afterwards, N fresh processes run one after another, overheads taken within
 * each process against that process's bare `await fn()` and the median reported.
 *
 *   node src/policies.mjs [--processes N] [--filter REGEX] [--out DIR] [--wait-idle S]
 *
 * --wait-idle S: before each process, wait up to S seconds for the machine to be under 10 % busy
 * (another benchmark running at the same time skews both).
 *
 * Writes results/policies-latest.json and results/policies-latest.md. One file: invoked with
 * `--worker`, it is the measuring process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, runFreshProcesses } from './processes.mjs';
import { bulkhead, circuitBreaker, pipeline, retry, timeout } from '@breakwater/core';
import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  bulkhead as cockatielBulkhead,
  circuitBreaker as cockatielBreaker,
  handleAll,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  wrap,
} from 'cockatiel';

const here = dirname(fileURLToPath(import.meta.url));
const WARM_CALLS = 20_000;
const LONG_MS = 60_000; // deadlines no call comes near: the success path only

// ---------- what is measured ----------

const ok = async () => 1;
/** The same function, reading its signal as `fetch(url, { signal })` would. */
const okReadingSignal = async ({ signal }) => (signal.aborted ? 0 : 1);

let bad = 0;
const successRun = (call) => async () => {
  if ((await call()) !== 1) bad++;
};

/** A success-path case: `make()` returns `call`, which runs the function through the subject. */
function successCase(key, group, label, kind, make) {
  return {
    key,
    group,
    label,
    kind,
    baseline: kind === 'baseline' ? null : `${group}/bare`,
    async setup() {
      const { call, check = async () => null, teardown } = make();
      const run = successRun(call);
      bad = 0;
      for (let i = 0; i < WARM_CALLS; i++) await run();
      return {
        run,
        check: async () => {
          const failures = bad;
          bad = 0;
          return failures === 0 ? check() : `${failures} calls did not return 1`;
        },
        teardown,
      };
    },
  };
}

const bare = (group) => successCase(`${group}/bare`, group, 'bare `await fn()`', 'baseline', () => ({ call: ok }));

/** Checks how many AbortControllers 100 calls build (none, unless the function reads its signal). */
function expectControllers(call, expected) {
  return async () => {
    let built = 0;
    const Native = globalThis.AbortController;
    globalThis.AbortController = class extends Native {
      constructor() {
        super();
        built++;
      }
    };
    try {
      for (let i = 0; i < 100; i++) await call();
    } finally {
      globalThis.AbortController = Native;
    }
    return built === expected ? null : `100 calls built ${built} AbortControllers, expected ${expected}`;
  };
}

const timeoutCases = [
  bare('timeout'),
  successCase('timeout/cockatiel-cooperative', 'timeout', 'cockatiel `timeout(60s, Cooperative)`', 'peer', () => {
    const policy = cockatielTimeout(LONG_MS, TimeoutStrategy.Cooperative);
    return { call: () => policy.execute(ok) };
  }),
  successCase('timeout/cockatiel-aggressive', 'timeout', 'cockatiel `timeout(60s, Aggressive)`', 'peer', () => {
    const policy = cockatielTimeout(LONG_MS, TimeoutStrategy.Aggressive);
    return { call: () => policy.execute(ok) };
  }),
  successCase('timeout/breakwater', 'timeout', 'Breakwater `timeout` (aggressive), fn reads no signal', 'breakwater', () => {
    const policy = timeout({ duration: LONG_MS });
    const call = () => policy.execute(ok);
    return { call, check: expectControllers(call, 0), teardown: () => policy.close() };
  }),
  successCase('timeout/breakwater-cooperative', 'timeout', 'Breakwater `timeout` (cooperative), fn reads no signal', 'breakwater', () => {
    const policy = timeout({ duration: LONG_MS, strategy: 'cooperative' });
    return { call: () => policy.execute(ok), teardown: () => policy.close() };
  }),
  successCase('timeout/breakwater-signal', 'timeout', 'Breakwater `timeout` (aggressive), fn reads `signal`', 'breakwater', () => {
    const policy = timeout({ duration: LONG_MS });
    const call = () => policy.execute(okReadingSignal);
    return { call, check: expectControllers(call, 100), teardown: () => policy.close() };
  }),
  successCase('timeout/abort-controller-floor', 'timeout', 'floor: no policy, `new AbortController()` per call, fn reads `signal`', 'floor', () => ({
    call: () => okReadingSignal(new AbortController()),
  })),
  successCase('timeout/breaker-timeout', 'timeout', 'Breakwater breaker with its `timeout` option (a timer per call)', 'breakwater', () => {
    const breaker = circuitBreaker({ name: 'bench-breaker-timeout', timeout: LONG_MS });
    return { call: () => breaker.execute(ok), teardown: () => breaker.close() };
  }),
];

const pipelineCases = [
  bare('pipeline'),
  successCase('pipeline/cockatiel', 'pipeline', 'cockatiel `wrap(retry, breaker, timeout(Cooperative))`', 'peer', () => {
    const policy = wrap(
      cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
      cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
      cockatielTimeout(LONG_MS, TimeoutStrategy.Cooperative),
    );
    return { call: () => policy.execute(ok) };
  }),
  successCase('pipeline/breakwater', 'pipeline', 'Breakwater `pipeline(retry, breaker, timeout)`', 'breakwater', () => {
    const attempt = timeout({ duration: LONG_MS });
    const composed = pipeline(retry({ maxAttempts: 3 }), circuitBreaker({ name: 'bench-pipeline', trip: { consecutiveFailures: 5 } }), attempt);
    const call = () => composed.execute(ok);
    return { call, check: expectControllers(call, 0), teardown: () => attempt.close() };
  }),
  successCase(
    'pipeline/breakwater-recommended',
    'pipeline',
    'Breakwater `pipeline(total timeout, retry, breaker, attempt timeout)`',
    'breakwater',
    () => {
      const total = timeout({ duration: LONG_MS });
      const attempt = timeout({ duration: LONG_MS });
      const composed = pipeline(total, retry({ maxAttempts: 3 }), circuitBreaker({ name: 'bench-recommended' }), attempt);
      const call = () => composed.execute(ok);
      return {
        call,
        check: expectControllers(call, 0),
        teardown: () => {
          total.close();
          attempt.close();
        },
      };
    },
  ),
  successCase('pipeline/cockatiel-retry', 'pipeline', 'cockatiel `retry(handleAll, 3 attempts)` alone', 'peer', () => {
    const policy = cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
    return { call: () => policy.execute(ok) };
  }),
  successCase('pipeline/breakwater-retry', 'pipeline', 'Breakwater `retry({ maxAttempts: 3 })` alone (budget on)', 'breakwater', () => {
    const policy = retry({ maxAttempts: 3 });
    return { call: () => policy.execute(ok) };
  }),
];

const bulkheadCases = [
  bare('bulkhead'),
  successCase('bulkhead/cockatiel', 'bulkhead', 'cockatiel `bulkhead(64, 1000)`', 'peer', () => {
    const policy = cockatielBulkhead(64, 1_000);
    return { call: () => policy.execute(ok) };
  }),
  successCase('bulkhead/breakwater', 'bulkhead', 'Breakwater `bulkhead({ maxConcurrent: 64, maxQueue: 1000 })` `execute`', 'breakwater', () => {
    const pool = bulkhead({ name: 'bench-bulkhead', maxConcurrent: 64, maxQueue: 1_000 });
    return { call: () => pool.execute(ok), check: async () => (pool.snapshot().active === 0 ? null : 'slots leaked') };
  }),
  successCase('bulkhead/breakwater-permit', 'bulkhead', 'Breakwater bulkhead permit: `acquire()`, `await fn()`, `release()`', 'breakwater', () => {
    const pool = bulkhead({ name: 'bench-bulkhead-permit', maxConcurrent: 64 });
    const call = async () => {
      const permit = pool.acquire(); // a permit at once while a slot is free
      try {
        return await ok();
      } finally {
        permit.release();
      }
    };
    return { call, check: async () => (pool.snapshot().active === 0 ? null : 'slots leaked') };
  }),
];

const CASES = [...timeoutCases, ...pipelineCases, ...bulkheadCases];
const GROUPS = ['timeout', 'pipeline', 'bulkhead'];

// ---------- the measuring process ----------

async function worker({ filter, out }) {
  const { bench, group, run } = await import('mitata');
  const pattern = filter ? new RegExp(filter) : null;
  const checks = {};
  for (const name of GROUPS) {
    group(name, () => {
      for (const c of CASES.filter((s) => s.group === name && (!pattern || pattern.test(s.key) || s.baseline === null))) {
        bench(c.key, async function* () {
          const subject = await c.setup();
          yield subject.run;
          checks[c.key] = await subject.check();
          subject.teardown?.();
        });
      }
    });
  }
  const { benchmarks, context } = await run({
    format: 'quiet',
    throw: true,
    observe(trial) {
      process.stderr.write(`  ${trial.alias.padEnd(36)} ${Math.round(trial.runs[0].stats.avg).toLocaleString('en-US').padStart(10)} ns/call\n`);
      return trial;
    },
  });
  const results = {};
  for (const trial of benchmarks) {
    const { stats } = trial.runs[0];
    results[trial.alias] = { avg: stats.avg, p50: stats.p50, p99: stats.p99, min: stats.min, max: stats.max };
  }
  writeFileSync(out, JSON.stringify({ node: process.version, cpu: context.cpu.name, results, checks }));
  const failed = Object.entries(checks).filter(([, problem]) => problem !== null);
  for (const [key, problem] of failed) console.error(`check failed: ${key}: ${problem}`);
  process.exit(failed.length > 0 ? 1 : 0);
}

// ---------- the runner ----------

const { values } = parseArgs({
  options: {
    worker: { type: 'boolean' },
    processes: { type: 'string', short: 'p' },
    filter: { type: 'string', short: 'f' },
    out: { type: 'string' },
    'wait-idle': { type: 'string' },
  },
});

if (values.worker) {
  await worker({ filter: values.filter, out: values.out });
} else {
  await runner();
}

async function runner() {
  const processes = Number(values.processes ?? process.env.BENCH_PROCESSES ?? 3);
  const outDir = values.out ?? join(here, '..', 'results');
  const waitIdleSeconds = Number(values['wait-idle'] ?? process.env.BENCH_WAIT_IDLE ?? 0);
  const startedAt = new Date();
  console.error(`Breakwater policy benchmarks: ${processes} process(es); ${process.version}`);
  const { runs, failedChecks } = await runFreshProcesses({
    name: 'policies',
    processes,
    waitIdleSeconds,
    argsFor: (out) => ['--expose-gc', fileURLToPath(import.meta.url), '--worker', '--out', out, ...(values.filter ? ['--filter', values.filter] : [])],
  });

  const byKey = new Map(CASES.map((c) => [c.key, c]));
  const summary = {};
  for (const key of Object.keys(runs[0].results)) {
    const spec = byKey.get(key);
    const avgs = runs.map((r) => r.results[key].avg);
    summary[key] = {
      key,
      group: spec.group,
      label: spec.label,
      kind: spec.kind,
      avg: median(avgs),
      p50: median(runs.map((r) => r.results[key].p50)),
      min: Math.min(...avgs),
      max: Math.max(...avgs),
      overhead: spec.baseline ? median(runs.map((r) => r.results[key].avg - r.results[spec.baseline].avg)) : null,
    };
  }

  const targets = [];
  const limit = (name, key, limitNs) => {
    if (summary[key]) targets.push({ name, value: summary[key].overhead, limit: limitNs, unit: 'ns', met: summary[key].overhead <= limitNs });
  };
  const ratio = (name, peer, ours, minimum) => {
    if (!summary[peer] || !summary[ours]) return;
    const value = median(runs.map((r) => (r.results[peer].avg - r.results[`${summary[peer].group}/bare`].avg) / (r.results[ours].avg - r.results[`${summary[ours].group}/bare`].avg)));
    targets.push({ name, value, limit: minimum, unit: '×', met: value >= minimum });
  };
  limit('Timeout overhead, fn reads no signal', 'timeout/breakwater', 300);
  limit('Timeout overhead, fn reads its signal', 'timeout/breakwater-signal', 3_500);
  if (summary['timeout/breakwater-signal'] && summary['timeout/abort-controller-floor']) {
    const beyond = median(runs.map((r) => r.results['timeout/breakwater-signal'].avg - r.results['timeout/abort-controller-floor'].avg));
    targets.push({ name: '(the same, beyond the cost of the AbortController alone: the floor case)', value: beyond, limit: 300, unit: 'ns', met: beyond <= 300 });
  }
  ratio('cockatiel wrap(retry, breaker, timeout) overhead ÷ Breakwater pipeline(retry, breaker, timeout) overhead', 'pipeline/cockatiel', 'pipeline/breakwater', 10);
  limit('Bulkhead `execute` overhead', 'bulkhead/breakwater', 70);

  const report = render(summary, targets, runs, processes, startedAt);
  console.log(`\n${report}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'policies-latest.json'), `${JSON.stringify({ startedAt, node: process.version, processes, summary, targets, runs }, null, 2)}\n`);
  writeFileSync(join(outDir, 'policies-latest.md'), `${report}\n`);
  console.error(`wrote ${relative(process.cwd(), resolve(outDir, 'policies-latest.json'))} and policies-latest.md`);
  if (failedChecks) {
    console.error('some cases failed their checks (see above): their figures do not measure what they claim');
    process.exitCode = 1;
  }
}


function render(summary, targets, runs, processes, startedAt) {
  const ns = (x) => (x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
  const lines = [`# Policy benchmarks`, '', `Node ${process.version}, ${runs[0].cpu} × ${cpus().length} vCPU; median of ${processes} process(es); ${startedAt.toISOString()}`, ''];
  const titles = {
    timeout: 'Timeout, success path (`async () => 1`), overhead over bare `await fn()`',
    pipeline: 'Pipelines, success path, overhead over bare `await fn()`',
    bulkhead: 'Bulkhead, success path, overhead over bare `await fn()`',
  };
  for (const group of GROUPS) {
    const rows = Object.values(summary).filter((e) => e.group === group);
    if (rows.length === 0) continue;
    lines.push(`## ${titles[group]}`, '', '| case | ns/call | p50 ns | overhead ns | calls/s | spread of ns/call (min..max) |', '|---|---:|---:|---:|---:|---|');
    for (const e of rows) {
      const calls = (1e9 / e.avg).toLocaleString('en-US', { maximumFractionDigits: 0 });
      lines.push(`| ${e.label} | ${ns(e.avg)} | ${ns(e.p50)} | ${ns(e.overhead)} | ${calls} | ${ns(e.min)}..${ns(e.max)} |`);
    }
    lines.push('');
  }
  lines.push('## Targets', '', '| target | measured | limit | met |', '|---|---:|---:|---|');
  for (const t of targets) {
    const value = t.unit === '×' ? `${t.value.toFixed(1)}×` : `${ns(t.value)} ns`;
    const bound = t.unit === '×' ? `≥ ${t.limit}×` : `≤ ${t.limit.toLocaleString('en-US')} ns`;
    lines.push(`| ${t.name} | ${value} | ${bound} | ${t.met ? 'yes' : '**no**'} |`);
  }
  lines.push('');
  return lines.join('\n');
}
