/**
 * Runs the breaker benchmarks in N fresh processes, one after another, and reports the median per
 * case across processes (overheads are taken within each process against that process's baseline,
 * then the median). Prints the tables and writes results/latest.json and results/latest.md.
 *
 *   node src/run.mjs [success|reject|failure ...] [--processes N] [--filter REGEX] [--out DIR] [--wait-idle S]
 *
 * Environment: BENCH_GROUPS (comma-separated groups), BENCH_PROCESSES (default 1), BENCH_WAIT_IDLE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, runFreshProcesses } from './processes.mjs';
import { CASES, GROUPS, GROWTH_LEVELS } from './cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    processes: { type: 'string', short: 'p' },
    group: { type: 'string', short: 'g', multiple: true },
    filter: { type: 'string', short: 'f' },
    out: { type: 'string', default: join(here, '..', 'results') },
    'wait-idle': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(`usage: node src/run.mjs [${GROUPS.join('|')}|all ...] [--processes N] [--filter REGEX] [--out DIR]
  groups      which paths to run (default all); also --group NAME or BENCH_GROUPS=a,b
  --processes fresh processes to run one after another, median reported (default 1; BENCH_PROCESSES)
  --filter    only cases whose key matches (baselines always run), e.g. --filter breakwater
  --out       where latest.json and latest.md go (default apps/bench/results)
  --wait-idle before each process, wait up to S seconds for the other processes on the machine to
              use under 10 % of its CPU (Linux; default 0 = do not wait; BENCH_WAIT_IDLE)`);
  process.exit(0);
}

const requested = [...positionals, ...(values.group ?? []), ...(process.env.BENCH_GROUPS ?? '').split(',')]
  .map((g) => g.trim())
  .filter(Boolean);
const unknown = requested.filter((g) => g !== 'all' && !GROUPS.includes(g));
if (unknown.length > 0) {
  console.error(`unknown group(s): ${unknown.join(', ')}; expected ${GROUPS.join(', ')} or all`);
  process.exit(2);
}
const groups = requested.length === 0 || requested.includes('all') ? GROUPS : GROUPS.filter((g) => requested.includes(g));
const processes = Number(values.processes ?? process.env.BENCH_PROCESSES ?? 1);
if (!Number.isInteger(processes) || processes < 1) {
  console.error('--processes expects a positive integer');
  process.exit(2);
}
const waitIdleSeconds = Number(values['wait-idle'] ?? process.env.BENCH_WAIT_IDLE ?? 0);

// ---------- measure ----------

const startedAt = new Date();
console.error(`Breakwater breaker benchmarks: groups ${groups.join(', ')}; ${processes} process(es); ${process.version}`);
const { runs, failedChecks } = await runFreshProcesses({
  name: 'bench',
  processes,
  waitIdleSeconds,
  argsFor: (out, i) => {
    const args = ['--expose-gc', join(here, 'worker.mjs'), '--groups', groups.join(','), '--out', out, '--label', `[${i + 1}/${processes}] `];
    if (values.filter) args.push('--filter', values.filter);
    return args;
  },
});

// ---------- aggregate ----------

const byKey = new Map(CASES.map((c) => [c.key, c]));
const floorOf = (group) => `${group}/floor`;

const summary = {};
for (const key of Object.keys(runs[0].results)) {
  const spec = byKey.get(key);
  const avgs = runs.map((r) => r.results[key].avg);
  const entry = {
    key,
    group: spec.group,
    label: spec.label,
    kind: spec.kind,
    avg: median(avgs),
    p50: median(runs.map((r) => r.results[key].p50)),
    min: Math.min(...avgs),
    max: Math.max(...avgs),
    overhead: null,
    overheadVsFloor: null,
  };
  if (spec.baseline && runs[0].results[spec.baseline]) {
    const overheads = runs.map((r) => r.results[key].avg - r.results[spec.baseline].avg);
    entry.overhead = median(overheads);
    entry.overheadP50 = median(runs.map((r) => r.results[key].p50 - r.results[spec.baseline].p50));
    const floor = floorOf(spec.group);
    if (runs[0].results[floor] && key !== floor) {
      const ratio = (r, stat) => (r.results[key][stat] - r.results[spec.baseline][stat]) / (r.results[floor][stat] - r.results[spec.baseline][stat]);
      entry.overheadVsFloor = median(runs.map((r) => ratio(r, 'avg')));
      entry.overheadVsFloorP50 = median(runs.map((r) => ratio(r, 'p50')));
    }
  }
  summary[key] = entry;
}

// ---------- targets ----------

const targets = [];
/** A target is judged on the mean (mitata's avg); the same figure from medians (p50) is shown beside it. */
const target = (name, key, value, limit, unit, p50) => {
  if (!summary[key] || value === null || value === undefined) return;
  targets.push({ name, key, value, limit, unit, met: value <= limit, p50 });
};
const bw = (key) => summary[key] ?? {};
target('Breakwater `execute` success overhead', 'success/breakwater', bw('success/breakwater').overhead, 70, 'ns', bw('success/breakwater').overheadP50);
target('Breakwater open-path rejection overhead', 'reject/breakwater', bw('reject/breakwater').overhead, 500, 'ns', bw('reject/breakwater').overheadP50);
for (const key of Object.keys(summary).filter((k) => k.startsWith('failure/breakwater'))) {
  target(`Breakwater failure overhead ÷ floor's (${key.slice('failure/'.length)})`, key, summary[key].overheadVsFloor, 1.2, '×', summary[key].overheadVsFloorP50);
}
const growth = summary[`failure/breakwater-time-window@${level(GROWTH_LEVELS.at(-1))}`];
const growthBase = summary[`failure/breakwater-time-window@${level(0)}`];
if (growth && growthBase) {
  const ratio = growth.avg / growthBase.avg;
  targets.push({
    name: `Breakwater failure cost with ${level(GROWTH_LEVELS.at(-1))} successes in the window ÷ with 0 (O(1): ≤ 1.1× allowing for noise)`,
    key: growth.key,
    value: ratio,
    limit: 1.1,
    unit: '×',
    met: ratio <= 1.1,
  });
}

// ---------- report ----------

const report = renderMarkdown();
console.log(`\n${report}`);
mkdirSync(values.out, { recursive: true });
const json = {
  startedAt: startedAt.toISOString(),
  node: process.version,
  cpu: `${runs[0].cpu} × ${cpus().length}`,
  processes,
  groups,
  summary,
  targets,
  runs,
};
writeFileSync(join(values.out, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(join(values.out, 'latest.md'), `${report}\n`);
console.error(`wrote ${relative(process.cwd(), resolve(values.out, 'latest.json'))} and latest.md`);
if (failedChecks) {
  console.error('some cases failed their checks (see above): their figures do not measure what they claim');
  process.exitCode = 1;
}


function level(n) {
  return n === 0 ? '0' : `${n / 1000}k`;
}

function ns(x) {
  if (x === null || x === undefined) return '—';
  return Math.round(x).toLocaleString('en-US');
}

function renderMarkdown() {
  const lines = [];
  const head = `Node ${process.version}, ${runs[0].cpu} × ${cpus().length} vCPU; median of ${processes} process(es); ${startedAt.toISOString()}`;
  lines.push(`# Breaker benchmarks`, '', head, '');
  const titles = {
    success: 'Success path (`async () => 1`), overhead over bare `await fn()`',
    reject: 'Rejection while open, overhead over `try { await failingFn() } catch {}`',
    failure: 'Failure path while closed, overhead over `try { await failingFn() } catch {}`',
  };
  for (const group of groups) {
    const rows = Object.values(summary).filter((e) => e.group === group);
    if (rows.length === 0) continue;
    lines.push(`## ${titles[group]}`, '');
    lines.push('| case | ns/call | overhead ns | overhead ÷ floor | calls/s | p50 ns | p50 overhead | spread of ns/call (min..max) |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const e of rows) {
      const ratio = e.overheadVsFloor === null ? '—' : `${e.overheadVsFloor.toFixed(2)}×`;
      const calls = (1e9 / e.avg).toLocaleString('en-US', { maximumFractionDigits: 0 });
      const p50Overhead = e.overheadP50 === undefined ? '—' : ns(e.overheadP50);
      lines.push(`| ${e.label} | ${ns(e.avg)} | ${ns(e.overhead)} | ${ratio} | ${calls} | ${ns(e.p50)} | ${p50Overhead} | ${ns(e.min)}..${ns(e.max)} |`);
    }
    lines.push('');
  }
  const growthSubjects = [...new Set(Object.keys(summary).filter((k) => k.includes('@')).map((k) => k.split('@')[0]))];
  if (growthSubjects.length > 0) {
    lines.push('## Failure path against successes already in the window (ns per failed call)', '');
    lines.push(`| subject | ${GROWTH_LEVELS.map((n) => `${level(n)} successes`).join(' | ')} | ${level(GROWTH_LEVELS.at(-1))} ÷ 0 |`);
    lines.push(`|---|${GROWTH_LEVELS.map(() => '---:').join('|')}|---:|`);
    for (const subject of growthSubjects) {
      const cells = GROWTH_LEVELS.map((n) => summary[`${subject}@${level(n)}`]?.avg);
      const ratio = cells[0] && cells.at(-1) ? `${(cells.at(-1) / cells[0]).toFixed(2)}×` : '—';
      lines.push(`| ${subject.slice('failure/'.length)} | ${cells.map(ns).join(' | ')} | ${ratio} |`);
    }
    lines.push('');
  }
  if (targets.length > 0) {
    lines.push('## Targets', '');
    lines.push('| target | measured (from means) | limit | met | same from medians (p50) |', '|---|---:|---:|---|---:|');
    const show = (t, x) => (x === undefined || x === null ? '—' : t.unit === '×' ? `${x.toFixed(2)}×` : `${ns(x)} ns`);
    for (const t of targets) {
      const limit = t.unit === '×' ? `${t.limit}×` : `${t.limit} ns`;
      lines.push(`| ${t.name} | ${show(t, t.value)} | ${limit} | ${t.met ? 'yes' : '**no**'} | ${show(t, t.p50)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
