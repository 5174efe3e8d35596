/**
 * HTTP benchmark (issues 5 and 6): wrk (or autocannon) against a hello-world route on Express, Fastify and Koa,
 * each bare, with Breakwater's stack (rate limit + circuit breaker + bulkhead, memory store) with and
 * without the IETF RateLimit headers, and with the framework's usual rate-limit peer, all in the same
 * run; on Fastify also Breakwater and @fastify/rate-limit on a Redis store. The server (a fresh process
 * per measurement) is pinned to one CPU and the load generator and redis-server to the other;
 * every round runs every configuration in a shuffled order, and the report gives medians over rounds
 * of the per-round figures: req/s relative to the same round's bare server, and the server CPU added
 * per request, which the server measures itself (process.cpuUsage over the measured window ÷ requests
 * its route served; the warm-up is excluded). For the Redis variants it also gives redis-server's CPU
 * per request and its script calls (`EVALSHA` + `EVAL`) per request, which shows how many decisions
 * a `batchDecisions` call carried.
 *
 *   node src/http.mjs [--rounds 5] [--duration 10] [--warmup 3] [--connections 50] [--tool wrk|autocannon]
 *                     [--frameworks express,fastify,koa] [--variants bare,stack,...] [--no-redis] [--out DIR]
 *
 * The load generator is wrk (`apt-get install wrk`, one thread) when it is installed, autocannon
 * otherwise: autocannon runs in Node and on this 2-vCPU machine could not keep the faster servers
 * busy (50–79 %), so its added-CPU figures carried the idle time; wrk keeps them at about 100 %.
 *
 * Writes results/http-latest.json (every measurement) and results/http-latest.md (the tables).
 */
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { machineBusy } from './machine.mjs';
import { median, shuffle } from './processes.mjs';
import { canPin, pinned, pinProcess, processCpuMicros, redisScriptCalls, startRedis } from './redis-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SERVER_CPU = 0;
const LOAD_CPU = 1;

/** Every variant, what it is, and which response headers prove it is really in place. */
const VARIANTS = {
  bare: { label: 'bare', expect: { absent: ['ratelimit', 'ratelimit-policy', 'x-ratelimit-limit', 'ratelimit-limit'] } },
  stack: { label: 'Breakwater rate limit + breaker + bulkhead, no headers', expect: { absent: ['ratelimit', 'ratelimit-policy'] } },
  'stack-headers': { label: 'Breakwater stack + IETF RateLimit headers', expect: { present: ['ratelimit', 'ratelimit-policy'] } },
  peer: { label: 'peer rate limiter (memory)', expect: { presentAny: ['ratelimit', 'ratelimit-limit', 'x-ratelimit-limit'] } },
  redis: { label: 'Breakwater stack + headers, RedisStore', expect: { present: ['ratelimit', 'ratelimit-policy'] }, redis: true },
  'redis-unpiped': { label: 'Breakwater stack + headers, RedisStore with autoPipelining: false', expect: { present: ['ratelimit', 'ratelimit-policy'] }, redis: true },
  'redis-batched': { label: 'Breakwater stack + headers, RedisStore with batchDecisions', expect: { present: ['ratelimit', 'ratelimit-policy'] }, redis: true },
  'peer-redis': { label: '@fastify/rate-limit, ioredis store', expect: { presentAny: ['x-ratelimit-limit'] }, redis: true },
};
const PEERS = { express: 'express-rate-limit 8.7.4', fastify: '@fastify/rate-limit 11.2.0', koa: 'koa-ratelimit 6.0.0' };
const FRAMEWORKS = {
  express: ['bare', 'stack', 'stack-headers', 'peer'],
  fastify: ['bare', 'stack', 'stack-headers', 'peer', 'redis', 'redis-unpiped', 'redis-batched', 'peer-redis'],
  koa: ['bare', 'stack', 'stack-headers', 'peer'],
};

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    tool: { type: 'string', default: spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon' },
    frameworks: { type: 'string', default: Object.keys(FRAMEWORKS).join(',') },
    variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    'no-redis': { type: 'boolean', default: false },
    out: { type: 'string', default: join(here, '..', 'results') },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: node src/http.mjs [--rounds 5] [--duration 10] [--warmup 3] [--connections 50] [--tool wrk|autocannon] [--frameworks a,b] [--variants a,b] [--no-redis] [--out DIR]');
  process.exit(0);
}
/**
 * Diagnostic variants, run only when named in `--variants`: one guard alone (`only-rateLimit`,
 * `only-circuitBreaker`, `only-bulkhead`, no headers) and, on Fastify, empty hooks
 * (`hooks-onRequest`, `hooks-onRequest+onSend+onResponse`, …) that price the framework's own hook machinery.
 */
for (const variant of values.variants.split(',')) {
  if (/^only-(rateLimit|circuitBreaker|bulkhead)$/.test(variant) || /^hooks-[A-Za-z+]+$/.test(variant)) {
    VARIANTS[variant] = { label: `diagnostic: ${variant}`, expect: { absent: ['ratelimit', 'ratelimit-policy'] }, diagnostic: true, fastifyOnly: variant.startsWith('hooks-') };
  }
}
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const wanted = new Set(values.variants.split(','));
const configs = values.frameworks
  .split(',')
  .flatMap((framework) =>
    [...(FRAMEWORKS[framework] ?? []), ...Object.keys(VARIANTS).filter((v) => VARIANTS[v].diagnostic && !(VARIANTS[v].fastifyOnly && framework !== 'fastify'))]
      .filter((v) => wanted.has(v) && !(values['no-redis'] && VARIANTS[v].redis))
      .map((variant) => ({ framework, variant })),
  );
if (configs.length === 0) throw new Error('no configuration selected');

/** GET / once; checks the answer is the route's 200 `hello` and that the variant's headers are (not) there. */
async function probe(port, { framework, variant }) {
  const response = await new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
  const { present = [], absent = [], presentAny } = VARIANTS[variant].expect;
  const problems = [];
  if (response.status !== 200 || response.body !== 'hello') problems.push(`answered ${response.status} ${JSON.stringify(response.body)}`);
  for (const h of present) if (!(h in response.headers)) problems.push(`no ${h} header`);
  for (const h of absent) if (h in response.headers) problems.push(`unexpected ${h} header`);
  if (presentAny && !presentAny.some((h) => h in response.headers)) problems.push(`none of ${presentAny.join(', ')}`);
  if (problems.length > 0) throw new Error(`${framework} ${variant}: ${problems.join('; ')}`);
}

/** Load for `seconds`; resolves to latency p50/p99 (ms), non-2xx responses and socket errors. */
async function load(url, seconds) {
  if (values.tool !== 'wrk') {
    const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
    return { p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
  }
  const [command, args] = pinned(LOAD_CPU, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
  return parseWrk(out);
}

/** The figures of wrk's `--latency` report. */
function parseWrk(text) {
  const ms = (label) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)\\b`, 'm').exec(text);
    if (!match) return null;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { p50: ms('50'), p99: ms('99'), non2xx: non2xx ? Number(non2xx[1]) : 0, errors };
}

/** One fresh server process: warm-up, then the measured window. */
async function measure(config, redis) {
  const { framework, variant } = config;
  const [command, args] = pinned(SERVER_CPU, process.execPath, [join(here, 'http-server.mjs'), framework, variant, String(redis?.port ?? '')]);
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const reply = () => once(child, 'message').then(([message]) => message);
  try {
    const { port } = await Promise.race([reply(), exited.then(() => Promise.reject(new Error(`${framework} ${variant} server exited`)))]);
    await probe(port, config);
    const url = `http://127.0.0.1:${port}/`;
    await load(url, warmup);
    child.send('start');
    await reply();
    const redisBefore = redis ? processCpuMicros(redis.pid) : null;
    const scriptsBefore = redis ? redisScriptCalls(redis.port) : null;
    const result = await load(url, duration);
    child.send('stop');
    const { cpuUs, served, wallMs, gcMs } = await reply();
    const redisCpu = redis ? processCpuMicros(redis.pid) - redisBefore : null;
    const scriptsAfter = redis ? redisScriptCalls(redis.port) : null;
    return {
      framework,
      variant,
      rps: served / (wallMs / 1000),
      cpuPerReq: cpuUs / served,
      busy: cpuUs / (wallMs * 1000),
      gcPerReq: (gcMs * 1000) / served,
      served,
      p50: result.p50,
      p99: result.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      redisCpuPerReq: redisCpu === null ? null : redisCpu / served,
      // Over the measured window, which the server's count of served requests also spans (give or take the requests in flight).
      redisScriptsPerReq: scriptsBefore === null || scriptsAfter === null ? null : (scriptsAfter - scriptsBefore) / served,
    };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }
}


// ---------- measure ----------

const pinnedOk = canPin() && pinProcess(LOAD_CPU);
const started = new Date();
const before = { loadavg: loadavg(), busy: await machineBusy() };
console.error(`HTTP benchmark: ${configs.length} configurations × ${rounds} rounds, ${warmup} s warm-up + ${duration} s each, ${connections} connections${pinnedOk ? '' : ' (NOT pinned: taskset missing or one CPU)'}`);
const needsRedis = configs.some((c) => VARIANTS[c.variant].redis);
const redis = needsRedis ? await startRedis({ cpu: LOAD_CPU }) : undefined;
const measurements = [];
try {
  for (let round = 0; round < rounds; round++) {
    for (const config of shuffle(configs)) {
      const m = { round, ...(await measure(config, VARIANTS[config.variant].redis ? redis : undefined)) };
      measurements.push(m);
      const flags = `${m.non2xx ? `, ${m.non2xx} non-2xx` : ''}${m.errors ? `, ${m.errors} errors` : ''}`;
      console.error(`round ${round + 1}/${rounds} ${m.framework} ${m.variant}: ${Math.round(m.rps)} req/s, ${m.cpuPerReq.toFixed(1)} µs CPU/req, server ${Math.round(m.busy * 100)} % busy${flags}`);
    }
  }
} finally {
  await redis?.stop();
}
const after = { loadavg: loadavg() };

// ---------- aggregate ----------

const fmt = (x, digits = 1) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(digits));
const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
const summary = {};
for (const { framework, variant } of configs) {
  const own = measurements.filter((m) => m.framework === framework && m.variant === variant);
  const pairs = own.map((m) => [m, measurements.find((b) => b.round === m.round && b.framework === framework && b.variant === 'bare')]).filter(([, b]) => b);
  const ratios = pairs.map(([m, b]) => m.rps / b.rps);
  ((summary[framework] ??= {})[variant] = {
    rps: median(own.map((m) => m.rps)),
    cpuPerReq: median(own.map((m) => m.cpuPerReq)),
    gcPerReq: median(own.map((m) => m.gcPerReq)),
    ratio: ratios.length ? median(ratios) : null,
    ratioRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
    addedCpu: pairs.length ? median(pairs.map(([m, b]) => m.cpuPerReq - b.cpuPerReq)) : null,
    busy: Math.min(...own.map((m) => m.busy)),
    p50: median(own.map((m) => m.p50)),
    p99: median(own.map((m) => m.p99)),
    non2xx: own.reduce((a, m) => a + m.non2xx + m.errors, 0),
    redisCpuPerReq: own[0].redisCpuPerReq === null ? null : median(own.map((m) => m.redisCpuPerReq)),
    redisScriptsPerReq: own[0].redisScriptsPerReq == null ? null : median(own.map((m) => m.redisScriptsPerReq)),
  });
}

const targets = [];
const target = (what, measured, limit, met, unit) => targets.push({ what, measured, limit, met, unit });
const added = (f, v) => summary[f]?.[v]?.addedCpu ?? null;
for (const f of ['fastify', 'koa']) if (added(f, 'stack') !== null) target(`${f}: stack, no headers, added CPU/req`, added(f, 'stack'), 2, added(f, 'stack') <= 2, 'µs');
for (const [f, limit] of [['fastify', 4], ['koa', 5.5], ['express', 5.5]]) {
  if (added(f, 'stack-headers') !== null) target(`${f}: stack + headers, added CPU/req`, added(f, 'stack-headers'), limit, added(f, 'stack-headers') <= limit, 'µs');
}
for (const f of Object.keys(summary)) {
  if (added(f, 'stack-headers') !== null && added(f, 'peer') !== null) {
    target(`${f}: stack + headers added ÷ ${PEERS[f]} added`, added(f, 'stack-headers') / added(f, 'peer'), 1, added(f, 'stack-headers') < added(f, 'peer'), '×');
  }
}
// Each way of sending decisions on its own line: the issue asks for batching to be reported separately.
for (const [variant, label] of [['redis', 'fastify + RedisStore'], ['redis-unpiped', 'fastify + RedisStore, autoPipelining: false'], ['redis-batched', 'fastify + RedisStore, batchDecisions']]) {
  const ratio = summary.fastify?.[variant]?.ratio;
  if (ratio != null) target(`${label}: req/s ÷ bare fastify`, ratio, 0.75, ratio >= 0.75, '× (at least)');
}

// ---------- report ----------

const lines = [
  `HTTP, ${values.tool === 'wrk' ? 'wrk -t1' : 'autocannon'} -c ${connections}, ${warmup} s warm-up + ${duration} s measured, ${rounds} interleaved round(s), medians`,
  '',
  `${started.toISOString()}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; server on CPU${SERVER_CPU}, ${values.tool}${needsRedis ? ' and redis-server' : ''} on CPU${LOAD_CPU}${pinnedOk ? '' : ' (pinning unavailable)'}.`,
  `Load average before ${before.loadavg.map((x) => x.toFixed(2)).join(' ')} (machine ${before.busy === null ? '?' : Math.round(before.busy * 100)} % busy), after ${after.loadavg.map((x) => x.toFixed(2)).join(' ')}.`,
  '',
  '| framework | variant | req/s | × bare (min..max) | server CPU µs/req | added µs/req | GC pause µs/req | server busy (min) | p50 / p99 ms | redis CPU µs/req | redis script calls/req | non-2xx + errors |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const [f, byVariant] of Object.entries(summary)) {
  for (const [v, s] of Object.entries(byVariant)) {
    const label = v === 'peer' || v === 'peer-redis' ? `${VARIANTS[v].label}: ${PEERS[f]}` : VARIANTS[v].label;
    const ratio = s.ratio === null ? '—' : `${s.ratio.toFixed(3)} (${s.ratioRange[0].toFixed(2)}..${s.ratioRange[1].toFixed(2)})`;
    lines.push(`| ${f} | ${label} | ${Math.round(s.rps)} | ${v === 'bare' ? '1' : ratio} | ${fmt(s.cpuPerReq)} | ${v === 'bare' ? '—' : signed(s.addedCpu)} | ${fmt(s.gcPerReq)} | ${Math.round(s.busy * 100)} % | ${fmt(s.p50, 2)} / ${fmt(s.p99, 2)} | ${fmt(s.redisCpuPerReq)} | ${fmt(s.redisScriptsPerReq, 3)} | ${s.non2xx} |`);
  }
}
lines.push('', '| target | measured | limit | met |', '|---|---:|---:|---|');
for (const t of targets) lines.push(`| ${t.what} | ${t.measured.toFixed(t.unit === 'µs' ? 1 : 3)} ${t.unit === 'µs' ? 'µs' : '×'} | ${t.unit === '× (at least)' ? '≥ ' : t.unit === '×' ? '< ' : '≤ '}${t.limit} ${t.unit === 'µs' ? 'µs' : '×'} | ${t.met ? 'yes' : '**no**'} |`);
const unsaturated = measurements.filter((m) => m.busy < 0.9).length;
if (unsaturated > 0) {
  lines.push('', `**${unsaturated} of ${measurements.length} measurements had the server under 90 % busy**: its CPU was shared with other processes, so req/s ratios do not compare like with like; the CPU per request is the figure to read, and it too is inflated by the contention.`);
}
const markdown = lines.join('\n');
console.log(markdown);
mkdirSync(values.out, { recursive: true });
const meta = { started: started.toISOString(), node: process.version, cpus: cpus().length, rounds, duration, warmup, connections, pinned: pinnedOk, before, after };
writeFileSync(join(values.out, 'http-latest.json'), `${JSON.stringify({ meta, summary, targets, measurements }, null, 2)}\n`);
writeFileSync(join(values.out, 'http-latest.md'), `${markdown}\n`);
const broken = measurements.some((m) => m.non2xx > 0 || m.errors > 0);
if (broken) console.error('some requests failed or were refused: the figures above are not valid');
process.exitCode = broken ? 1 : 0;
