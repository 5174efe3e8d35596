/**
 * Server instructions per HTTP request, counted by valgrind's callgrind: unlike CPU time, a figure
 * that does not move with the machine's other load or the kernel's mood, so a change of a few
 * hundred instructions per request can be seen in one run. Each (framework, variant) server of the
 * HTTP benchmark (`http-server.mjs`) runs under callgrind; after `--warm` requests its counters are
 * zeroed, then `--count` more requests are sent (keep-alive, `--conns` in flight) and the counters are
 * dumped: their total over `--count` is the cost of one request, start-up and warm-up excluded.
 * "Added" is a variant minus the framework's bare server.
 *
 *   node src/http-instructions.mjs [--frameworks fastify,koa,express] [--variants bare,stack,stack-headers,peer]
 *                                  [--warm 4000] [--count 4000] [--conns 8]
 *
 * Needs valgrind (`apt-get install valgrind`). About a minute per server on a quiet 2-vCPU machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    frameworks: { type: 'string', default: 'fastify,koa,express' },
    variants: { type: 'string', default: 'bare,stack,stack-headers,peer' },
    warm: { type: 'string', default: '4000' },
    count: { type: 'string', default: '4000' },
    conns: { type: 'string', default: '8' },
  },
});

/** Sends `total` GET / requests with `conns` in flight; rejects on any non-200. */
async function load(port, total, conns) {
  const agent = new Agent({ keepAlive: true, maxSockets: conns });
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(Array.from({ length: conns }, async () => {
    while (next++ < total) await one();
  }));
  agent.destroy();
}

function message(child, predicate) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (!predicate(m)) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
  });
}

/** Instructions per request of one server. */
async function measure(framework, variant, dir) {
  const out = join(dir, `${framework}-${variant}.out`);
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...(process.env.BW_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), join(here, 'http-server.mjs'), framework, variant], {
    cwd: join(here, '..'),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const { port } = await Promise.race([message(child, (m) => m.port !== undefined), exited.then(() => { throw new Error(`${framework} ${variant} did not start:\n${stderr.slice(-2000)}`); })]);
  const conns = Number(values.conns);
  await load(port, Number(values.warm), conns);
  spawnSync('callgrind_control', ['--zero', String(child.pid)]);
  const count = Number(values.count);
  await load(port, count, conns);
  spawnSync('callgrind_control', ['--dump', String(child.pid)]);
  child.disconnect();
  await exited;
  // The dump is `${out}.1` (numbered dumps); the final one at exit is `${out}`.
  const dumped = readdirSync(dir).find((f) => f === `${framework}-${variant}.out.1`);
  const text = readFileSync(join(dir, dumped ?? `${framework}-${variant}.out`), 'utf8');
  const totals = /^(?:totals|summary):\s+(\d+)/m.exec(text);
  if (!totals) throw new Error(`no totals in callgrind output for ${framework} ${variant}`);
  return Number(totals[1]) / count;
}

const dir = process.env.BW_CALLGRIND_DIR ?? mkdtempSync(join(tmpdir(), 'bw-http-callgrind-'));
try {
  const lines = [`Server instructions per request (callgrind; ${values.warm} warm-up requests, then ${values.count} counted, ${values.conns} in flight)`, '', '| framework | variant | instructions per request | added over bare |', '|---|---|---:|---:|'];
  for (const framework of values.frameworks.split(',')) {
    let bare;
    for (const variant of values.variants.split(',')) {
      const perRequest = await measure(framework, variant, dir);
      if (variant === 'bare') bare = perRequest;
      const added = bare === undefined || variant === 'bare' ? '—' : `${perRequest - bare >= 0 ? '+' : ''}${Math.round(perRequest - bare).toLocaleString('en-US')}`;
      console.error(`${framework} ${variant}: ${Math.round(perRequest)} instructions per request`);
      lines.push(`| ${framework} | ${variant} | ${Math.round(perRequest).toLocaleString('en-US')} | ${added} |`);
    }
  }
  console.log(lines.join('\n'));
} finally {
  if (process.env.BW_CALLGRIND_DIR === undefined) rmSync(dir, { recursive: true, force: true });
}
