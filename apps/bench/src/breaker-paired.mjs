/**
 * Issue 2's breaker paths timed in rounds, each subject beside the bare call in the same round:
 *
 *   node --expose-gc src/breaker-paired.mjs [--path failure|success] [--processes 5] [--rounds 40] [--batch 4000]
 *
 * Why a second harness beside `run.mjs`: there each case is timed once per process, one after the
 * other, and on the 2-vCPU VMs the machine changes speed within a process. A failure costs about
 * 2 µs, Breakwater's and the floor's overheads about 0.5 µs, so a 20 % question (issue 2's
 * "no more than 1.2× the hand-written breaker's failure overhead") moved from 0.91× to 1.39× between
 * two runs of the same build. Here every round times a batch of each subject, in a rotating order,
 * after a full garbage collection; a subject's overhead in a round is its time minus the bare call's
 * in that round, so a change of speed between rounds cancels. Per process: the median over rounds;
 * reported: the median over fresh processes, run one after another.
 *
 * The failing function throws one error made up front, as in `run.mjs` and the peer baselines
 * (`../shared/research/perf-baselines.md`): what is timed is the breaker, not V8's stack capture.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './processes.mjs';
import { NEVER, fixedClock, neverTrippingTimeWindow } from './subjects.mjs';

const { values } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    path: { type: 'string', default: 'failure' },
    processes: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '40' },
    batch: { type: 'string', default: '4000' },
    warm: { type: 'string', default: '20000' },
    subjects: { type: 'string', default: 'bare,floor,cockatiel,breakwater,breakwater-time-window' },
  },
});

const ALL_SUBJECTS = ['bare', 'floor', 'cockatiel', 'breakwater', 'breakwater-time-window', 'breakwater-fixed-clock'];
// `bare` and `floor` always run: every figure is taken against them.
const SUBJECTS = ['bare', 'floor', ...values.subjects.split(',').filter((name) => name !== 'bare' && name !== 'floor')];
const unknown = SUBJECTS.filter((name) => !ALL_SUBJECTS.includes(name));
if (unknown.length > 0) throw new Error(`--subjects: unknown ${unknown.join(', ')}; expected some of ${ALL_SUBJECTS.join(', ')}`);

if (!['failure', 'success'].includes(values.path)) throw new Error(`--path: expected failure or success, got ${values.path}`);
if (values.child) await child();
else main();

/** One process: every subject warmed, then timed in rounds; prints one JSON line of ns per call per round. */
async function child() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const { circuitBreaker } = await import('@breakwater/core');
  const { ConsecutiveBreaker, circuitBreaker: cockatielBreaker, handleAll } = await import('cockatiel');
  const { FloorBreaker } = await import('./floor.mjs');
  const failure = new Error('dependency failed (made once, reused)');
  const fn = values.path === 'failure' ? async () => { throw failure; } : async () => 1;
  const floor = new FloorBreaker(NEVER, 10_000, new Error('open'));
  const cockatiel = cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(NEVER) });
  const consecutive = circuitBreaker({ name: 'paired', trip: { consecutiveFailures: NEVER } });
  const timeWindow = circuitBreaker({ name: 'paired-time-window', trip: neverTrippingTimeWindow });
  // Diagnostic: the consecutive breaker with a clock that reads no time (what the clock read costs it).
  const unclocked = circuitBreaker({ name: 'paired-fixed-clock', clock: fixedClock, trip: { consecutiveFailures: NEVER } });
  const calls = {
    bare: () => fn(),
    floor: () => floor.execute(fn),
    cockatiel: () => cockatiel.execute(fn),
    breakwater: () => consecutive.execute(fn),
    'breakwater-time-window': () => timeWindow.execute(fn),
    'breakwater-fixed-clock': () => unclocked.execute(fn),
  };
  let results = 0;
  let errors = 0;
  // One shape for every subject (as in run.mjs): the only difference between two subjects is the wrapper.
  const batch = async (call, count) => {
    for (let i = 0; i < count; i++) {
      try {
        results += await call();
      } catch (error) {
        if (error === failure) errors++;
      }
    }
  };
  const warm = Number(values.warm);
  const size = Number(values.batch);
  for (const name of SUBJECTS) await batch(calls[name], warm);
  const perRound = Object.fromEntries(SUBJECTS.map((name) => [name, []]));
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < SUBJECTS.length; k++) {
      const name = SUBJECTS[(round + k) % SUBJECTS.length];
      globalThis.gc();
      const startedAt = process.hrtime.bigint();
      await batch(calls[name], size);
      perRound[name].push(Number(process.hrtime.bigint() - startedAt) / size);
    }
  }
  const total = (warm + rounds * size) * SUBJECTS.length;
  const expected = values.path === 'failure' ? [0, total] : [total, 0];
  if (results !== expected[0] || errors !== expected[1]) throw new Error(`expected ${expected} results/errors, got ${results}/${errors}`);
  if (consecutive.state !== 'closed' || timeWindow.state !== 'closed' || floor.openUntil !== 0) throw new Error('a breaker opened');
  console.log(JSON.stringify(perRound));
}

function main() {
  // Extra V8 flags for the measured processes (e.g. `--max-semi-space-size=64`, to see what garbage collection adds).
  const nodeFlags = (process.env.BW_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const processes = Number(values.processes);
  const script = fileURLToPath(import.meta.url);
  const args = ['--path', values.path, '--rounds', values.rounds, '--batch', values.batch, '--warm', values.warm, '--subjects', SUBJECTS.join(',')];
  const perProcess = [];
  for (let i = 0; i < processes; i++) {
    const run = spawnSync(process.execPath, [...nodeFlags, '--expose-gc', script, '--child', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`process ${i + 1} failed (exit ${run.status ?? run.signal})`);
    const perRound = JSON.parse(run.stdout.trim().split('\n').at(-1));
    const bare = perRound.bare;
    const summary = {};
    for (const name of SUBJECTS) {
      summary[name] = { ns: median(perRound[name]), overhead: name === 'bare' ? 0 : median(perRound[name].map((ns, r) => ns - bare[r])) };
    }
    perProcess.push(summary);
    const floorOverhead = summary.floor.overhead;
    console.error(`process ${i + 1}/${processes}: bare ${summary.bare.ns.toFixed(0)} ns; overheads ${SUBJECTS.slice(1).map((name) => `${name} ${summary[name].overhead.toFixed(0)} (${(summary[name].overhead / floorOverhead).toFixed(2)}×)`).join(', ')}`);
  }
  console.log(`\nNode ${process.version}; ${values.path} path; ${processes} processes × ${values.rounds} rounds × ${values.batch} calls per subject (reused error; full GC before each batch)\n`);
  console.log('| subject | ns per call | overhead over bare (ns) | overhead ÷ floor\'s | spread of per-process overheads |');
  console.log('|---|---:|---:|---:|---|');
  const floorOverhead = median(perProcess.map((p) => p.floor.overhead));
  for (const name of SUBJECTS) {
    const ns = median(perProcess.map((p) => p[name].ns));
    const overheads = perProcess.map((p) => p[name].overhead);
    const overhead = median(overheads);
    const ratio = name === 'bare' || name === 'floor' ? '—' : `${(overhead / floorOverhead).toFixed(2)}×`;
    const spread = name === 'bare' ? '—' : `${Math.min(...overheads).toFixed(0)}..${Math.max(...overheads).toFixed(0)}`;
    console.log(`| ${name} | ${ns.toFixed(0)} | ${name === 'bare' ? '—' : overhead.toFixed(0)} | ${ratio} | ${spread} |`);
  }
}
