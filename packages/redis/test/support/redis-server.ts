import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** One redis-server process this test started. */
export interface RedisServer {
  readonly port: number;
  readonly process: ChildProcess;
  /** Starts it again on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { timeout: 2000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

/** Starts `redis-server` on a free loopback port, with no persistence; resolves once it answers PING. */
export async function startRedis(extra: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bw-redis-'));
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await ping(port)) return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${port} did not start`);
  };
  await launch();
  return {
    port,
    get process() {
      return child;
    },
    restart: launch,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Three masters joined with `redis-cli --cluster create`; resolves once `cluster_state:ok`. */
export async function startCluster(): Promise<{ servers: RedisServer[]; stop(): Promise<void> }> {
  const servers = await Promise.all([0, 1, 2].map(() => startRedis(['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'])));
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    await run('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (let i = 0; i < 400; i++) {
      const states = await Promise.all(
        servers.map(async (s) => (await run('redis-cli', ['-p', String(s.port), 'CLUSTER', 'INFO'], { timeout: 2000 })).stdout.includes('cluster_state:ok')),
      );
      if (states.every(Boolean)) return { servers, stop };
      await sleep(50);
    }
    throw new Error('the cluster did not reach cluster_state:ok');
  } catch (error) {
    await stop();
    throw error;
  }
}
