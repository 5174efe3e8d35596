/**
 * Server instructions per HTTP request, counted by valgrind's callgrind: unlike CPU time, a figure
 * that does not move with the machine's other load, so a change of a few dozen instructions per
 * request can be seen in one run. Each (framework, variant) server of the HTTP benchmark
 * (`http-server.mjs`) runs under callgrind with `--single-threaded` (no concurrent compiler or GC
 * threads); after `--warm` requests its counters are zeroed, then `--count` more requests are sent
 * over keep-alive connections, `--conns` at a time, and the counters are dumped: their total over
 * `--count` is the cost of one request, start-up and warm-up excluded. "Added" is a variant minus
 * the framework's bare server.
 *
 * The counted window is long enough to hold several young-generation collections (a bare Fastify
 * request allocates about 7 KB, so one comes every 1,500 to 2,000 requests), whose cost is then
 * spread over the requests that caused it; with 3,000 counted requests, one collection more or less
 * in the window moved a count by about 1,200 instructions per request. With one request in flight
 * (the default) a count then repeats to within a few hundred instructions in 55,000; with several
 * in flight, how requests happen to share event-loop turns moves it by thousands. One at a time also means no
 * batching: the figures are higher than under load, and only their differences carry over.
 *
 * The warm-up is long because under valgrind some functions reach V8's optimizing compiler only
 * after 12,000 to 30,000 requests, and until then run in the baseline tier at several times the
 * instructions. Before 2026-12-01 the counted requests also went over a new connection (see
 * `load`), which deoptimized much of Node's HTTP code inside the window: those counts were about
 * twice the true ones (bare Fastify 106,700 instead of 55,200) and overstated the guards' share.
 *
 *   node src/http-instructions.mjs [--frameworks fastify,koa,express] [--variants bare,stack,stack-headers,peer]
 *                                  [--warm 30000] [--count 12000] [--conns 1]
 *
 * Environment: `BW_CALLGRIND_DIR` keeps callgrind's files there; `BW_NODE_FLAGS` adds flags to the
 * server's node, `BW_VALGRIND_FLAGS` to valgrind. For instructions per JS function: run with
 * `BW_NODE_FLAGS=--perf-basic-prof BW_VALGRIND_FLAGS=--dump-instr=yes` and lay the server's
 * `/tmp/perf-<pid>.map` (address, size, name) over the per-instruction costs of its file.
 *
 * Needs valgrind (`apt-get install valgrind`). About three minutes per server on a 2-vCPU machine;
 * valgrind runs a program on one core, so two of these can run side by side without changing the counts.
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
    warm: { type: 'string', default: '30000' },
    count: { type: 'string', default: '12000' },
    conns: { type: 'string', default: '1' },
  },
});

/**
 * Sends `total` GET / requests with `conns` in flight over `agent`'s keep-alive connections; rejects
 * on any non-200. The warm-up and the counted requests share one agent: a connection opened or
 * closed at the start of the counted window changes the shapes Node's HTTP code sees, which
 * deoptimizes some thirty of its functions; they then ran in the baseline tier and were compiled
 * again inside the window, adding thousands of instructions per request that a real server under
 * steady keep-alive load never spends.
 */
async function load(agent, port, total, conns) {
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
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, ...(process.env.BW_VALGRIND_FLAGS?.split(' ').filter(Boolean) ?? []), process.execPath, '--single-threaded', ...(process.env.BW_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), join(here, 'http-server.mjs'), framework, variant], {
    cwd: join(here, '..'),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const { port } = await Promise.race([message(child, (m) => m.port !== undefined), exited.then(() => { throw new Error(`${framework} ${variant} did not start:\n${stderr.slice(-2000)}`); })]);
  const conns = Number(values.conns);
  const agent = new Agent({ keepAlive: true, maxSockets: conns });
  await load(agent, port, Number(values.warm), conns);
  control('--zero', child.pid);
  const count = Number(values.count);
  await load(agent, port, count, conns);
  control('--dump', child.pid);
  agent.destroy();
  child.disconnect();
  await exited;
  // The counted window is the numbered dump `${out}.1`; the file written at exit (`${out}`) also holds
  // the shutdown, and the warm-up too should the zeroing have failed, so it is never read instead.
  const dumped = readdirSync(dir).find((f) => f === `${framework}-${variant}.out.1`);
  if (dumped === undefined) throw new Error(`callgrind wrote no dump of the counted window for ${framework} ${variant}`);
  const text = readFileSync(join(dir, dumped), 'utf8');
  const totals = /^(?:totals|summary):\s+(\d+)/m.exec(text);
  if (!totals) throw new Error(`no totals in callgrind output for ${framework} ${variant}`);
  return { all: Number(totals[1]) / count, compiler: compilerInstructions(join(dir, dumped)) / count };
}

/**
 * Runs a `callgrind_control` action on the server. When it cannot find the process (say, while
 * valgrind's gdbserver is busy) it says so on its output and still exits 0, and the count would then
 * silently cover the wrong window: it is tried three times, then it is an error.
 */
function control(action, pid) {
  let said = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = spawnSync('callgrind_control', [action, String(pid)], { encoding: 'utf8' });
    said = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    if (run.status === 0 && !/Error|not detected/.test(said)) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  throw new Error(`callgrind_control ${action} ${pid} failed: ${said.trim()}`);
}

/**
 * Instructions spent in V8's optimizing compiler, from callgrind_annotate's per-function list.
 * Under valgrind a program runs some fifty times slower, and V8 throws optimized code away and
 * recompiles it on a clock (code whose embedded objects a timed garbage collection found dead), so
 * per request the compiler weighs many times what it weighs in a real run: it is reported apart.
 */
function compilerInstructions(file) {
  const listing = spawnSync('callgrind_annotate', ['--auto=no', '--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout;
  let sum = 0;
  for (const line of listing.split('\n')) {
    const match = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$/.exec(line);
    if (match && match[2].includes('v8::internal::compiler::')) sum += Number(match[1].replaceAll(',', ''));
  }
  return sum;
}

/** Compiler instructions per counted request above which a window is flagged: steady windows show 0–600. */
const unsteadyCompiler = 1_000;

const dir = process.env.BW_CALLGRIND_DIR ?? mkdtempSync(join(tmpdir(), 'bw-http-callgrind-'));
try {
  const lines = [
    `Server instructions per request (callgrind, \`--single-threaded\`; ${values.warm} warm-up requests, then ${values.count} counted, ${values.conns} in flight)`,
    '',
    '| framework | variant | instructions per request, compiler excluded | added over bare | with the optimizing compiler |',
    '|---|---|---:|---:|---:|',
  ];
  const format = (n) => Math.round(n).toLocaleString('en-US');
  for (const framework of values.frameworks.split(',')) {
    let bare;
    for (const variant of values.variants.split(',')) {
      const { all, compiler } = await measure(framework, variant, dir);
      const perRequest = all - compiler;
      if (variant === 'bare') bare = perRequest;
      const added = bare === undefined || variant === 'bare' ? '—' : `${perRequest - bare >= 0 ? '+' : ''}${format(perRequest - bare)}`;
      console.error(`${framework} ${variant}: ${Math.round(perRequest)} instructions per request (${Math.round(all)} with the compiler)`);
      // Compiling inside the window means code was thrown away there (a full collection, a late
      // deoptimization) and ran unoptimized for a while: the count is not a steady state's.
      const unsteady = compiler > unsteadyCompiler;
      if (unsteady) console.error(`  ${framework} ${variant}: ${format(compiler)} compiler instructions per request inside the window; run it again`);
      lines.push(`| ${framework} | ${variant}${unsteady ? ' (not steady: run again)' : ''} | ${format(perRequest)} | ${added} | ${format(all)} |`);
    }
  }
  console.log(lines.join('\n'));
} finally {
  if (process.env.BW_CALLGRIND_DIR === undefined) rmSync(dir, { recursive: true, force: true });
}
