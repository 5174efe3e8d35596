// A redis-server for one benchmark run: a free loopback port, no persistence, optionally pinned to a CPU.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let pinnable;

/**
 * True when `taskset` exists and the machine has more than one CPU, i.e. pinning means something.
 * Counts the machine's CPUs (`cpus()`), not `availableParallelism()`: that one counts only the CPUs
 * this process may run on, so once a harness had pinned itself to one CPU, every later check said
 * no and its servers and load generators ran unpinned, sharing the harness's CPU.
 */
export function canPin() {
  pinnable ??= cpus().length > 1 && spawnSync('taskset', ['--version']).status === 0;
  return pinnable;
}

/** Pins every thread of process `pid` (default: this one) to `cpu`; false where taskset is missing. */
export function pinProcess(cpu, pid = process.pid) {
  if (!canPin()) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** `[command, ...args]` run through `taskset -c cpu` when `cpu` is given and taskset exists. */
export function pinned(cpu, command, args) {
  return cpu === undefined || !canPin() ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
}

/** utime + stime of process `pid` in µs, from /proc (Linux); null elsewhere. */
export function processCpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    return (ticks * 1e6) / hz;
  } catch {
    return null;
  }
}

/**
 * How many script calls (`EVALSHA` and `EVAL`) the redis-server on `port` has served (`INFO
 * commandstats`), or null when it cannot be asked. Only scripts: commandstats also counts the
 * commands a script runs inside itself, which are not round trips.
 */
export function redisScriptCalls(port) {
  try {
    const info = execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'INFO', 'commandstats']).toString();
    let calls = 0;
    for (const match of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) calls += Number(match[2]);
    return calls;
  } catch {
    return null;
  }
}

/**
 * Starts `redis-server` on a free loopback port (no persistence, no save), pinned to `cpu` when given;
 * resolves once it answers PING. `stop()` kills that process (by its pid) and removes its directory.
 */
export async function startRedis({ cpu } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-redis-'));
  const [command, args] = pinned(cpu, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
  const child = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    up = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING']).stdout?.toString().trim() === 'PONG';
    if (!up) await sleep(25);
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!up) {
    await stop();
    throw new Error(`redis-server on port ${port} did not start (is redis-server installed?)`);
  }
  // taskset execs redis-server in place, so the child's pid is redis-server's.
  return { port, pid: child.pid, stop };
}
