/**
 * Instructions per breaker call, counted by valgrind's callgrind (issue 2), as `callgrind-count.mjs`
 * describes: a figure that other processes on the machine do not move, where the timed benchmark
 * (`run.mjs`) scatters by tens of nanoseconds on a shared VM.
 *
 * Subjects: `bare` (`await fn()` in `try`), `floor` (the hand-written breaker of `floor.mjs`),
 * `breakwater` (`execute`, consecutive failures, never opening) and `breakwater-time-window` (a failure
 * rate over a 10 s time window, never tripping). Paths: `success` (`async () => 1`)
 * and `failure` (`fn` throws a new `Error`). Overhead is a subject minus `bare`; the ratio is
 * Breakwater's overhead ÷ the floor's, as issue 2's failure target states it.
 *
 * With `--stack-trace-limit 0` V8 captures no stack for the thrown errors, which separates the cost
 * of the stack capture (it grows with the size of the optimized frames on the stack) from the rest.
 *
 * With `--mixed`, each process first runs 20,000 successes through the floor and through three
 * breaker shapes (consecutive failures, a count window, a time window), as `run.mjs` does when it runs
 * every path in one process: V8 then optimizes `execute` and the settlement on what an app with
 * several breakers shows it, which the failure path pays for.
 *
 *   node src/breaker-instructions.mjs [--paths success,failure] [--small N] [--large N]
 *                                     [--warm 30000] [--stack-trace-limit N] [--mixed]
 *
 * `--small` and `--large` default to 100,000 and 300,000 calls on the success path, 20,000 and 60,000
 * on the failure path. Needs valgrind. Two runs go side by side (valgrind runs a program on one
 * core); about five minutes for both paths on a 2-vCPU machine.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callgrindFolder, formatCount, instructionsPerCall } from './callgrind-count.mjs';
import { NEVER, neverTrippingTimeWindow } from './subjects.mjs';

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    path: { type: 'string' },
    calls: { type: 'string' },
    paths: { type: 'string', default: 'success,failure' },
    small: { type: 'string' },
    large: { type: 'string' },
    warm: { type: 'string', default: '30000' },
    'stack-trace-limit': { type: 'string' },
    mixed: { type: 'boolean', default: false },
  },
});

const SUBJECTS = ['bare', 'floor', 'breakwater', 'breakwater-time-window'];

if (values.child !== undefined) await child(values.child, values.path, Number(values.warm), Number(values.calls));
else await main();

/** One measured process: `warm` calls, then `calls` more, of one subject on one path. */
async function child(subject, path, warm, calls) {
  if (values['stack-trace-limit'] !== undefined) Error.stackTraceLimit = Number(values['stack-trace-limit']);
  const { circuitBreaker } = await import('@breakwater/core');
  const { FloorBreaker } = await import('./floor.mjs');
  const fn = path === 'success' ? async () => 1 : async () => {
    throw new Error('boom');
  };
  const floor = new FloorBreaker(NEVER, 1_000, new Error('open'));
  const breaker = circuitBreaker({ name: 'instructions', trip: { consecutiveFailures: NEVER } });
  const timeWindow = circuitBreaker({ name: 'instructions-time-window', trip: neverTrippingTimeWindow });
  const run = { bare: () => fn(), floor: () => floor.execute(fn), breakwater: () => breaker.execute(fn), 'breakwater-time-window': () => timeWindow.execute(fn) }[subject];
  if (run === undefined) throw new Error(`unknown subject ${subject}`);
  if (values.mixed) await succeedOnSeveralShapes(circuitBreaker, FloorBreaker);
  let sum = 0;
  let failures = 0;
  const loop = async (count) => {
    for (let i = 0; i < count; i++) {
      try {
        sum += await run();
      } catch {
        failures++;
      }
    }
  };
  await loop(warm);
  await loop(calls);
  const expected = path === 'success' ? [warm + calls, 0] : [0, warm + calls];
  if (sum !== expected[0] || failures !== expected[1]) throw new Error(`${subject} ${path}: ${sum} results, ${failures} failures`);
}

/** 20,000 successes through the floor and each of three breaker shapes, on instances of their own. */
async function succeedOnSeveralShapes(circuitBreaker, FloorBreaker) {
  const ok = async () => 1;
  const trips = [
    { consecutiveFailures: 5 },
    { failureRate: { threshold: 0.5, window: { type: 'count', size: 100 } } },
    { failureRate: { threshold: 0.5, window: { type: 'time', duration: 10_000, buckets: 10 } } },
  ];
  const subjects = [new FloorBreaker(5, 1_000, new Error('open')), ...trips.map((trip, i) => circuitBreaker({ name: `shape-${i}`, trip }))];
  for (const subject of subjects) {
    for (let i = 0; i < 20_000; i++) if ((await subject.execute(ok)) !== 1) throw new Error('a warm-up call failed');
  }
}

async function main() {
  // A success costs about 2 % of a failure, so it can run five times the calls in the same time, which
  // spreads the garbage collections the two counts differ by over more calls.
  const countsOf = (path) => {
    const [small, large] = path === 'success' ? [100_000, 300_000] : [20_000, 60_000];
    return { small: Number(values.small ?? small), large: Number(values.large ?? large) };
  };
  const paths = values.paths.split(',').filter(Boolean);
  const folder = callgrindFolder('bw-breaker-callgrind-');
  const stackTraceLimit = values['stack-trace-limit'] === undefined ? [] : ['--stack-trace-limit', values['stack-trace-limit']];
  const perCall = {};
  try {
    for (const path of paths) {
      for (const subject of SUBJECTS) {
        const args = ['--child', subject, '--path', path, '--warm', values.warm, ...stackTraceLimit, ...(values.mixed ? ['--mixed'] : [])];
        perCall[`${subject}/${path}`] = await instructionsPerCall({ folder: folder.path, name: `${subject}-${path}`, script: fileURLToPath(import.meta.url), args, ...countsOf(path) });
        console.error(`${path} ${subject}: ${Math.round(perCall[`${subject}/${path}`])} instructions per call`);
      }
    }
  } finally {
    folder.dispose();
  }
  const limit = [
    values['stack-trace-limit'] === undefined ? 'default stack trace limit' : `Error.stackTraceLimit = ${values['stack-trace-limit']}`,
    ...(values.mixed ? ['after 20,000 successes on the floor and three breaker shapes'] : []),
  ].join('; ');
  console.log(`\nInstructions per call (callgrind, \`--single-threaded --predictable\`; ${values.warm} warm-up calls, difference of ${paths.map((path) => `${countsOf(path).small} and ${countsOf(path).large} calls (${path})`).join(', ')}; ${limit})\n`);
  console.log('| path | subject | instructions per call | overhead over bare | overhead ÷ floor\'s |');
  console.log('|---|---|---:|---:|---:|');
  for (const path of paths) {
    const bare = perCall[`bare/${path}`];
    const floorOverhead = perCall[`floor/${path}`] - bare;
    for (const subject of SUBJECTS) {
      const n = perCall[`${subject}/${path}`];
      const overhead = subject === 'bare' ? '—' : formatCount(n - bare);
      const ratio = subject.startsWith('breakwater') ? `${((n - bare) / floorOverhead).toFixed(2)}×` : '—';
      console.log(`| ${path} | ${subject} | ${formatCount(n)} | ${overhead} | ${ratio} |`);
    }
  }
}
