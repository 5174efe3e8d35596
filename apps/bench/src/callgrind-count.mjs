/**
 * Instructions per call, counted by valgrind's callgrind: a figure that other processes on a shared
 * VM do not move, where timed runs scatter by tens of nanoseconds. A child script runs twice under
 * callgrind, with `small` and `large` measured calls after the same warm-up; the difference of the two
 * totals ÷ the difference of the counts is one call's cost, start-up and warm-up cancelled.
 *
 * Node runs with `--single-threaded --predictable` (no concurrent compiler or GC threads, fixed hash
 * seed) and a 64 MB semi-space, so that the two runs do the same garbage collections and repeat to a
 * few instructions. `BW_CALLGRIND_DIR=DIR` keeps the callgrind files there, for `callgrind_annotate`.
 *
 * The instructions V8 spends compiling (TurboFan, and Sparkplug batches) are left out of the per-call
 * figure. Compiling is single-threaded here, so a function optimized once late in the larger run,
 * after the smaller run ended, would otherwise be spread over the calls between them: one such
 * compile added about 1,500 instructions to a call that costs 2,000.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODE_FLAGS = ['--single-threaded', '--predictable', '--max-semi-space-size=64'];

/** The folder for callgrind files: `BW_CALLGRIND_DIR`, or a temporary one that `dispose()` removes. */
export function callgrindFolder(prefix) {
  const kept = process.env.BW_CALLGRIND_DIR;
  const path = kept ?? mkdtempSync(join(tmpdir(), prefix));
  return { path, dispose: () => kept === undefined && rmSync(path, { recursive: true, force: true }) };
}

/**
 * One call's instructions: `script` run with `args` plus `--calls small` and `--calls large`, side by
 * side (valgrind runs a program on one core). `name` labels the callgrind files and errors.
 */
export async function instructionsPerCall({ folder, name, script, args, small, large }) {
  const run = async (calls) => {
    const runName = `${name}-${calls}`;
    const total = await countInstructions({ folder, name: runName, script, args: [...args, '--calls', String(calls)] });
    return { total, compiling: compilingInstructions(join(folder, `${runName}.out`)) };
  };
  const [a, b] = await Promise.all([run(small), run(large)]);
  const calls = large - small;
  const compilingPerCall = (b.compiling - a.compiling) / calls;
  // Shown, so that a deoptimization loop (compiling on and on) is seen rather than hidden.
  if (Math.abs(compilingPerCall) >= 50) console.error(`${name}: ${formatCount(compilingPerCall)} instructions per call of compiling left out`);
  return (b.total - a.total) / calls - compilingPerCall;
}

/**
 * The instructions V8 spent compiling in one callgrind file: the inclusive cost of TurboFan's entry
 * points and of Sparkplug's batches, which never nest in one another.
 */
export function compilingInstructions(file) {
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  let sum = 0;
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) .*(Runtime_CompileOptimized(?:OSR)?|BaselineBatchCompiler::CompileBatch)\(/.exec(line);
    if (match !== null && !line.includes("'")) sum += Number(match[1].replaceAll(',', ''));
  }
  return sum;
}

/**
 * The instructions of one run of `script` with `args` under callgrind, written to `name`.out in
 * `folder`. `nodeFlags` replaces the steady flags above, for a tool whose published figures were taken
 * without them.
 */
export function countInstructions({ folder, name, script, args, nodeFlags = NODE_FLAGS }) {
  const out = join(folder, `${name}.out`);
  const valgrindArgs = ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...nodeFlags, script, ...args];
  return new Promise((resolve, reject) => {
    const proc = spawn('valgrind', valgrindArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || collected === null) reject(new Error(`callgrind run ${name} failed (exit ${code}):\n${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
}

/** A count of instructions, grouped by thousands. */
export const formatCount = (n) => Math.round(n).toLocaleString('en-US');
