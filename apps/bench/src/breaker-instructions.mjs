/**
 * Instructions per breaker call, counted by valgrind's callgrind (issue 2): a figure that other
 * processes on the machine do not move, where the timed benchmark (`run.mjs`) scatters by tens of
 * nanoseconds on a shared VM. Each (subject, path) runs in a fresh `node --single-threaded` under
 * callgrind twice, with `--small` and `--large` calls after the same warm-up; the difference of the
 * two totals ÷ the difference of the counts is one call's cost, start-up and warm-up cancelled.
 *
 * Subjects: `bare` (`await fn()` in `try`), `floor` (the hand-written breaker of `floor.mjs`) and
 * `breakwater` (`execute`, consecutive failures, never opening). Paths: `success` (`async () => 1`)
 * and `failure` (`fn` throws a new `Error`). Overhead is a subject minus `bare`; the ratio is
 * Breakwater's overhead ÷ the floor's, as issue 2's failure target states it.
 *
 * With `--stack-trace-limit 0` V8 captures no stack for the thrown errors, which separates the cost
 * of the stack capture (it grows with the size of the optimized frames on the stack) from the rest.
 *
 *   node src/breaker-instructions.mjs [--paths success,failure] [--small 20000] [--large 60000]
 *                                     [--warm 30000] [--stack-trace-limit N]
 *
 * Needs valgrind. Two runs go side by side (valgrind runs a program on one core); about four minutes
 * for both paths on a 2-vCPU machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    path: { type: 'string' },
    calls: { type: 'string' },
    paths: { type: 'string', default: 'success,failure' },
    small: { type: 'string', default: '20000' },
    large: { type: 'string', default: '60000' },
    warm: { type: 'string', default: '30000' },
    'stack-trace-limit': { type: 'string' },
  },
});

const SUBJECTS = ['bare', 'floor', 'breakwater'];

if (values.child !== undefined) await child(values.child, values.path, Number(values.warm), Number(values.calls));
else await main();

/** One measured process: `warm` calls, then `calls` more, of one subject on one path. */
async function child(subject, path, warm, calls) {
  if (values['stack-trace-limit'] !== undefined) Error.stackTraceLimit = Number(values['stack-trace-limit']);
  const { circuitBreaker } = await import('@breakwater/core');
  const { FloorBreaker } = await import('./floor.mjs');
  const never = Number.MAX_SAFE_INTEGER;
  const fn = path === 'success' ? async () => 1 : async () => {
    throw new Error('boom');
  };
  const floor = new FloorBreaker(never, 1_000, new Error('open'));
  const breaker = circuitBreaker({ name: 'instructions', trip: { consecutiveFailures: never } });
  const run = { bare: () => fn(), floor: () => floor.execute(fn), breakwater: () => breaker.execute(fn) }[subject];
  if (run === undefined) throw new Error(`unknown subject ${subject}`);
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

/** Total instructions of one child under callgrind. */
function count(dir, subject, path, calls) {
  const out = join(dir, `${subject}-${path}-${calls}.out`);
  const args = ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', fileURLToPath(import.meta.url), '--child', subject, '--path', path, '--warm', values.warm, '--calls', String(calls)];
  if (values['stack-trace-limit'] !== undefined) args.push('--stack-trace-limit', values['stack-trace-limit']);
  return new Promise((resolve, reject) => {
    const proc = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || collected === null) reject(new Error(`${subject} ${path} ${calls}: exit ${code}\n${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
}

async function main() {
  const small = Number(values.small);
  const large = Number(values.large);
  const paths = values.paths.split(',').filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'bw-breaker-callgrind-'));
  const perCall = {};
  try {
    for (const path of paths) {
      for (const subject of SUBJECTS) {
        const [a, b] = await Promise.all([count(dir, subject, path, small), count(dir, subject, path, large)]);
        perCall[`${subject}/${path}`] = (b - a) / (large - small);
        console.error(`${path} ${subject}: ${Math.round(perCall[`${subject}/${path}`])} instructions per call`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const limit = values['stack-trace-limit'] === undefined ? 'default stack trace limit' : `Error.stackTraceLimit = ${values['stack-trace-limit']}`;
  console.log(`\nInstructions per call (callgrind, \`--single-threaded\`; ${values.warm} warm-up calls, difference of ${small} and ${large} calls; ${limit})\n`);
  console.log('| path | subject | instructions per call | overhead over bare | overhead ÷ floor\'s |');
  console.log('|---|---|---:|---:|---:|');
  const format = (n) => Math.round(n).toLocaleString('en-US');
  for (const path of paths) {
    const bare = perCall[`bare/${path}`];
    const floorOverhead = perCall[`floor/${path}`] - bare;
    for (const subject of SUBJECTS) {
      const n = perCall[`${subject}/${path}`];
      const overhead = subject === 'bare' ? '—' : format(n - bare);
      const ratio = subject === 'breakwater' ? `${((n - bare) / floorOverhead).toFixed(2)}×` : '—';
      console.log(`| ${path} | ${subject} | ${format(n)} | ${overhead} | ${ratio} |`);
    }
  }
}
