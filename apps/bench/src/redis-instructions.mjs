/**
 * Client instructions per Redis decision, counted by valgrind's callgrind: a figure that, unlike
 * time, does not move when other processes share the machine. For each case of the Redis benchmark,
 * a fresh `node` runs under callgrind twice against a local redis-server, making `--warm` decisions
 * and then either `--small` or `--large` more with `--in-flight` calls in flight; the difference of
 * the two instruction totals divided by `large − small` is the steady-state cost of one decision in
 * the client process (ioredis included, start-up and warm-up cancel out). "Library" is a case minus
 * raw ioredis EVALSHA of the same script. Then the same for redis-server (`--side server`): it runs
 * under callgrind, and for each case its counters are zeroed after a warm-up and read after
 * `--server-count` decisions.
 *
 *   node src/redis-instructions.mjs [--side both|client|server] [--cases store,execute,...]
 *                                   [--warm 5000] [--small 1000] [--large 21000] [--server-count 3000]
 *
 * Needs valgrind. Both sides for all six cases took 8 min on a lightly loaded 2-vCPU machine (about
 * 70 s per case on the client side, 10–20 s on the server side), several times that when it is busy. Keep `large − small` large: one major GC or re-optimisation that lands in one
 * run and not the other moves a difference of 6,000 decisions by thousands of instructions each.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callgrindFolder, countInstructions } from './callgrind-count.mjs';
import { Redis } from 'ioredis';
import { redisCases } from './redis-cases.mjs';
import { startRedis } from './redis-process.mjs';
import { serverInstructions } from './redis-server-instructions.mjs';

const { values } = parseArgs({
  options: {
    worker: { type: 'string' },
    port: { type: 'string' },
    count: { type: 'string' },
    side: { type: 'string', default: 'both' },
    cases: { type: 'string', default: 'incr,evalsha,store,execute,acquire,rlf' },
    warm: { type: 'string', default: '5000' },
    small: { type: 'string', default: '1000' },
    large: { type: 'string', default: '21000' },
    'server-count': { type: 'string', default: '3000' },
    'in-flight': { type: 'string', default: '50' },
    keys: { type: 'string', default: '10000' },
  },
});
const IN_FLIGHT = Number(values['in-flight']);
const KEYS = Number(values.keys);

/** Worker: `count` decisions of one case, then exit. */
async function work() {
  const client = new Redis({ port: Number(values.port), host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  const cases = await redisCases(client, KEYS, { commandTimeout: '10m' });
  const { run, ok } = cases.find((c) => c.key === values.worker);
  const total = Number(values.count);
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < total) {
        const result = await run(next++ % KEYS);
        if (ok !== undefined && !ok(result)) failures++;
      }
    }),
  );
  client.disconnect();
  if (failures > 0) process.exitCode = 1;
}

/** Instructions of one worker run under callgrind (plain `node`, as the published client figures were taken). */
function workerInstructions(port, key, count, folder) {
  const args = ['--worker', key, '--port', String(port), '--count', String(count), '--keys', String(KEYS), '--in-flight', String(IN_FLIGHT)];
  return countInstructions({ folder, name: `${key}-${count}`, script: fileURLToPath(import.meta.url), args, nodeFlags: [] });
}

/** Client instructions per decision: two callgrind runs per case, differenced. */
async function clientSide(keys) {
  const warm = Number(values.warm);
  const small = warm + Number(values.small);
  const large = warm + Number(values.large);
  const redis = await startRedis();
  const folder = callgrindFolder('bw-callgrind-');
  const perDecision = {};
  try {
    for (const key of keys) {
      const [a, b] = [await workerInstructions(redis.port, key, small, folder.path), await workerInstructions(redis.port, key, large, folder.path)];
      perDecision[key] = (b - a) / (large - small);
      console.error(`client, ${key}: ${Math.round(perDecision[key])} instructions per decision`);
    }
  } finally {
    folder.dispose();
    await redis.stop();
  }
  return { perDecision, how: `node under callgrind, difference of ${small} and ${large} decisions` };
}

function table(title, perDecision) {
  const base = perDecision.evalsha;
  const lines = [title, '', '| case | instructions per decision | over raw EVALSHA |', '|---|---:|---:|'];
  for (const [key, n] of Object.entries(perDecision)) lines.push(`| ${key} | ${Math.round(n)} | ${base === undefined ? '—' : `${n - base >= 0 ? '+' : ''}${Math.round(n - base)}`} |`);
  return lines.join('\n');
}

async function orchestrate() {
  const keys = values.cases.split(',');
  const out = [];
  if (values.side !== 'server') {
    const { perDecision, how } = await clientSide(keys);
    out.push(table(`Client (Node) instructions per decision (callgrind; ${IN_FLIGHT} in flight, ${KEYS} keys; ${how})`, perDecision));
  }
  if (values.side !== 'client') {
    const count = Number(values['server-count']);
    const perDecision = await serverInstructions(keys, { warm: 1000, count, inFlight: IN_FLIGHT, keyCount: KEYS });
    out.push(table(`redis-server instructions per decision (callgrind; counters zeroed after 1000 decisions, read after ${count})`, perDecision));
  }
  console.log(out.join('\n\n'));
}

await (values.worker ? work() : orchestrate());
