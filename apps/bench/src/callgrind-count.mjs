/**
 * Instructions per call, counted by valgrind's callgrind: a figure that other processes on a shared
 * VM do not move, where timed runs scatter by tens of nanoseconds. A child script runs twice under
 * callgrind, with `small` and `large` measured calls after the same warm-up; the difference of the two
 * totals ÷ the difference of the counts is one call's cost, start-up and warm-up cancelled.
 *
 * Node runs with `--single-threaded --predictable` (no concurrent compiler or GC threads, fixed hash
 * seed) and a 64 MB semi-space, so that the two runs do the same garbage collections and repeat to a
 * few instructions. `BW_CALLGRIND_DIR=DIR` keeps the callgrind files there, for `callgrind_annotate`.
 */
import { spawn } from 'node:child_process';
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
  const run = (calls) => countInstructions({ folder, name: `${name}-${calls}`, script, args: [...args, '--calls', String(calls)] });
  const [a, b] = await Promise.all([run(small), run(large)]);
  return (b - a) / (large - small);
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
