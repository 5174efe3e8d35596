/**
 * One measuring process: registers the selected cases with mitata, runs them one after another and
 * writes mitata's figures (ns per call) as JSON. `run.mjs` starts one of these per process wanted.
 *
 *   node --expose-gc src/worker.mjs --groups success,reject,failure [--filter REGEX] --out FILE
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bench, group, run } from 'mitata';
import { CASES, GROUPS } from './cases.mjs';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: GROUPS.join(',') },
    filter: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string', default: '' },
  },
});

const groups = values.groups.split(',').filter(Boolean);
const filter = values.filter ? new RegExp(values.filter) : null;
const selected = CASES.filter((c) => groups.includes(c.group) && (!filter || filter.test(c.key) || c.kind === 'baseline'));
const checks = {};
const started = Date.now();

for (const name of GROUPS.filter((g) => groups.includes(g))) {
  group(name, () => {
    for (const c of selected.filter((s) => s.group === name)) {
      bench(c.key, async function* () {
        // Set up (trip, fill, warm) right before measuring, then tear down right after.
        const subject = await c.setup();
        if (c.unbatched) {
          // mitata's manual mode never batches: each sample is one call, timed here.
          const run = subject.run;
          yield {
            manual: async () => {
              const t0 = performance.now();
              await run();
              return (performance.now() - t0) * 1e6;
            },
          };
        } else {
          yield subject.run;
        }
        checks[c.key] = subject.check();
        subject.teardown?.();
      });
    }
  });
}

const { benchmarks, context } = await run({
  format: 'quiet',
  throw: true,
  observe(trial) {
    const stats = trial.runs[0].stats;
    process.stderr.write(`  ${values.label}${trial.alias.padEnd(44)} ${fmt(stats.avg).padStart(12)} ns/call\n`);
    return trial;
  },
});

const results = {};
for (const trial of benchmarks) {
  const { stats } = trial.runs[0];
  results[trial.alias] = {
    avg: stats.avg,
    p50: stats.p50,
    p75: stats.p75,
    p99: stats.p99,
    min: stats.min,
    max: stats.max,
    ticks: stats.ticks,
    samples: stats.samples.length,
  };
}

const failedChecks = Object.entries(checks).filter(([, problem]) => problem !== null);
const report = {
  node: process.version,
  cpu: context.cpu.name,
  arch: context.arch,
  startedAt: new Date(started).toISOString(),
  seconds: (Date.now() - started) / 1000,
  results,
  checks,
};
if (values.out) writeFileSync(values.out, JSON.stringify(report));
else console.log(JSON.stringify(report));

if (failedChecks.length > 0) {
  for (const [key, problem] of failedChecks) console.error(`check failed: ${key}: ${problem}`);
  process.exitCode = 1;
}
// opossum and the breakers keep only unref'd timers, but leave nothing to chance.
process.exit();

function fmt(ns) {
  return ns.toLocaleString('en-US', { maximumFractionDigits: 0 });
}
