// redis-server instructions per decision: redis-server runs under valgrind's callgrind, and for each
// case the counters are zeroed after a warm-up, `count` decisions run, and the counters are dumped.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { redisCases } from './redis-cases.mjs';
import { freePort } from './redis-process.mjs';

async function connect(port) {
  for (let i = 0; i < 600; i++) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch {
      client.disconnect();
      await sleep(100);
    }
  }
  throw new Error('redis-server under callgrind did not start');
}

async function drive(run, count, inFlight, keyCount) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await run(next++ % keyCount);
    }),
  );
}

/** `{ [case]: instructions per decision in redis-server }` for the cases named in `keys`. */
export async function serverInstructions(keys, { warm, count, inFlight, keyCount }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bw-redis-callgrind-'));
  const args = ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.out')}`, 'redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const server = spawn('valgrind', args, { stdio: 'ignore' });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const out = {};
  let client;
  try {
    client = await connect(port);
    const cases = await redisCases(client, keyCount, { commandTimeout: '10m' });
    for (const key of keys) {
      const { run } = cases.find((c) => c.key === key);
      await drive(run, warm, inFlight, keyCount);
      execFileSync('callgrind_control', ['--zero', String(server.pid)], { stdio: 'ignore' });
      await drive(run, count, inFlight, keyCount);
      execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
      const dump = readdirSync(dir).filter((f) => f.startsWith('cg.out.')).sort((a, b) => Number(a.split('.').at(-1)) - Number(b.split('.').at(-1))).at(-1);
      const total = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(join(dir, dump), 'utf8'));
      out[key] = Number(total[1]) / count;
      console.error(`redis-server, ${key}: ${Math.round(out[key])} instructions per decision`);
    }
  } finally {
    client?.disconnect();
    server.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
