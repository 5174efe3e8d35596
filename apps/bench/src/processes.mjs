// Runs a benchmark worker in N fresh processes, one after another, and collects their JSON results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForIdle } from './machine.mjs';

/**
 * `argsFor(out, i)` gives the node arguments of process `i`, which must write its results to `out`.
 * Before each process, waits up to `waitIdleSeconds` for the machine to be quiet. Returns the parsed
 * results and whether any process exited non-zero (its own checks failed).
 */
export async function runFreshProcesses({ name, processes, waitIdleSeconds, argsFor }) {
  const scratch = mkdtempSync(join(tmpdir(), `breakwater-${name}-`));
  const runs = [];
  let failedChecks = false;
  try {
    for (let i = 0; i < processes; i++) {
      const out = join(scratch, `run-${i}.json`);
      const busy = waitIdleSeconds > 0 ? await waitForIdle(waitIdleSeconds) : null;
      console.error(`process ${i + 1}/${processes}${busy === null ? '' : ` (machine ${Math.round(busy * 100)} % busy before it)`}`);
      const child = spawnSync(process.execPath, argsFor(out, i), { stdio: ['ignore', 'inherit', 'inherit'] });
      if (child.status !== 0) failedChecks = true;
      try {
        runs.push(JSON.parse(readFileSync(out, 'utf8')));
      } catch {
        console.error(`process ${i + 1} wrote no results (exit ${child.status ?? child.signal})`);
        process.exit(1);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { runs, failedChecks };
}

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A copy of `list` in a random order (Fisher–Yates). */
export function shuffle(list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
