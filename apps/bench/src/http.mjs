/**
 * HTTP benchmark: each framework bare and with Breakwater's stack (rate limit + breaker + bulkhead,
 * memory store), with and without the RateLimit headers. The server is pinned to CPU0 and autocannon
 * (this process) to CPU1; rounds are interleaved in a shuffled order and medians reported: req/s
 * relative to bare, and the server CPU added per request.
 *
 *   taskset -c 1 node src/http.mjs [--rounds 5] [--duration 10] [--connections 50]
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } });
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const connections = Number(values.connections);
const frameworks = ['express', 'fastify', 'koa'];
const variants = ['bare', 'stack', 'stack-headers'];

async function measure(framework, variant) {
  const child = fork(join(here, 'http-server.mjs'), [framework, variant], { execPath: 'taskset', execArgv: ['-c', '0', process.execPath] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const { port } = await next();
  const url = `http://127.0.0.1:${port}/`;
  await autocannon({ url, connections, duration: 2 });
  child.send('cpu');
  const before = (await next()).cpu;
  const result = await autocannon({ url, connections, duration });
  child.send('cpu');
  const after = (await next()).cpu;
  child.kill();
  const requests = result.requests.total;
  const cpuUs = after.user + after.system - before.user - before.system;
  return { rps: result.requests.average, cpuPerReq: cpuUs / requests, non2xx: result.non2xx };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (let round = 0; round < rounds; round++) {
  const order = frameworks.flatMap((f) => variants.map((v) => [f, v])).sort(() => Math.random() - 0.5);
  for (const [f, v] of order) {
    const r = await measure(f, v);
    ((results[f] ??= {})[v] ??= []).push(r);
    console.error(`round ${round + 1} ${f} ${v}: ${Math.round(r.rps)} req/s, ${r.cpuPerReq.toFixed(1)} µs CPU/req${r.non2xx ? `, ${r.non2xx} non-2xx` : ''}`);
  }
}

console.log('| framework | bare req/s (CPU µs/req) | stack, no headers | stack + RateLimit headers |');
console.log('|---|---:|---:|---:|');
for (const f of frameworks) {
  const bare = results[f].bare;
  const cell = (v) => {
    const runs = results[f][v];
    const ratio = median(runs.map((r, i) => r.rps / bare[i].rps));
    const added = median(runs.map((r, i) => r.cpuPerReq - bare[i].cpuPerReq));
    return `${ratio.toFixed(3)} (+${added.toFixed(1)} µs)`;
  };
  console.log(`| ${f} | ${Math.round(median(bare.map((r) => r.rps)))} (${median(bare.map((r) => r.cpuPerReq)).toFixed(1)}) | ${cell('stack')} | ${cell('stack-headers')} |`);
}
