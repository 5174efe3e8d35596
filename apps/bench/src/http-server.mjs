/**
 * One hello-world server for the HTTP benchmark:
 *
 *   node src/http-server.mjs <express|fastify|koa> <variant> [redis port]
 *
 * Variants: `bare`; `stack` (Breakwater rate limit + circuit
 * breaker + bulkhead, memory store, no rate-limit headers); `stack-headers` (the same with the IETF
 * `RateLimit` and `RateLimit-Policy` fields, the default); `peer` (express-rate-limit,
 * @fastify/rate-limit or koa-ratelimit, memory store, defaults except the limit); on Fastify also
 * `redis` (the stack with a RedisStore, its defaults), `redis-unpiped` (the same with `autoPipelining: false`: each call its own write),
 * `redis-batched` (the same with `batchDecisions: true`) and `peer-redis` (@fastify/rate-limit with its ioredis store).
 * Limits are 1e9 per minute: nothing is refused.
 *
 * It measures itself: the parent sends `start` and `stop` over IPC; between them the server counts
 * the requests its route served and its own CPU time (`process.cpuUsage`, every thread), so the CPU
 * per request excludes start-up and warm-up. Replies to `stop` with `{ cpuUs, served, wallMs, gcs, gcMs }`
 * (garbage collections in the window and their pause time).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Registry } from '@breakwater/core';

const [framework, variant, redisPort] = process.argv.slice(2);
const LIMIT = 1_000_000_000;
let served = 0;

/** An ioredis client to the benchmark's redis-server, once it is ready. */
async function redisClient() {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port: Number(redisPort), enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

/** Breakwater's options for the stacked variants: rate limit + breaker + bulkhead on every route. */
async function breakwaterOptions() {
  const all = {
    rateLimit: { name: 'api', limits: [{ capacity: LIMIT, refillRate: LIMIT, refillInterval: '1m' }] },
    circuitBreaker: { name: 'cb' },
    bulkhead: { name: 'pool', maxConcurrent: 1_000 },
  };
  // Diagnostics: `only-rateLimit`, `only-circuitBreaker`, `only-bulkhead` run one guard alone, no headers.
  const only = variant.startsWith('only-') ? variant.slice('only-'.length) : undefined;
  const guards = only === undefined ? all : { [only]: all[only] };
  const http = { registry: new Registry(), headers: { standard: variant === 'stack-headers' || variant.startsWith('redis') ? 'httpapi' : false } };
  if (variant.startsWith('redis')) {
    const { RedisStore } = await import('@breakwater/redis');
    http.store = new RedisStore({ client: await redisClient(), prefix: 'bench-http', autoPipelining: variant !== 'redis-unpiped', batchDecisions: variant === 'redis-batched' });
  }
  return { guards, http };
}

const stacked = variant === 'stack' || variant === 'stack-headers' || variant.startsWith('redis') || variant.startsWith('only-');

async function express() {
  const { default: Express } = await import('express');
  const app = Express();
  if (stacked) {
    const { resilience } = await import('@breakwater/express');
    const { guards, http } = await breakwaterOptions();
    app.use(resilience({ ...http, routes: [{ path: '/*', ...guards }] }));
  } else if (variant === 'peer') {
    const { rateLimit } = await import('express-rate-limit');
    app.use(rateLimit({ windowMs: 60_000, limit: LIMIT }));
  }
  app.get('/', (_req, res) => {
    served++;
    res.send('hello');
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function fastify() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  if (stacked) {
    const { breakwater } = await import('@breakwater/fastify');
    const { guards, http } = await breakwaterOptions();
    await app.register(breakwater, { ...http, global: guards });
  } else if (variant.startsWith('hooks-')) {
    // Diagnostics: empty hooks, to price Fastify's own hook machinery (`hooks-onRequest,onResponse`).
    for (const hook of variant.slice('hooks-'.length).split('+')) {
      if (hook === 'onSend') app.addHook(hook, (_request, _reply, payload, done) => done(null, payload));
      else if (hook === 'onError') app.addHook(hook, (_request, _reply, _error, done) => done());
      else if (hook === 'onRequestAbort') app.addHook(hook, (_request, done) => done());
      else if (hook.endsWith('Async')) app.addHook(hook.slice(0, -'Async'.length), async () => {});
      else app.addHook(hook, (_request, _reply, done) => done());
    }
  } else if (variant === 'peer' || variant === 'peer-redis') {
    const { default: rateLimit } = await import('@fastify/rate-limit');
    await app.register(rateLimit, { max: LIMIT, timeWindow: 60_000, ...(variant === 'peer-redis' ? { redis: await redisClient() } : {}) });
  }
  app.get('/', async () => {
    served++;
    return 'hello';
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server.address().port;
}

async function koa() {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  if (stacked) {
    const { resilience } = await import('@breakwater/koa');
    const { guards, http } = await breakwaterOptions();
    app.use(resilience({ ...http, routes: [{ path: '/*', ...guards }] }));
  } else if (variant === 'peer') {
    const { default: ratelimit } = await import('koa-ratelimit');
    app.use(ratelimit({ driver: 'memory', db: new Map(), duration: 60_000, max: LIMIT, id: (ctx) => ctx.ip }));
  }
  app.use((ctx) => {
    served++;
    ctx.body = 'hello';
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

const servers = { express, fastify, koa };
if (!(framework in servers)) throw new Error(`unknown framework ${framework}`);
const port = await servers[framework]();

// Garbage collections (count and pause time) since start-up; the window takes differences.
const gc = { count: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count++;
    gc.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

let window;
process.on('message', (message) => {
  if (message === 'start') {
    window = { cpu: process.cpuUsage(), served, at: process.hrtime.bigint(), gcCount: gc.count, gcMs: gc.ms };
    process.send({ started: true });
  } else if (message === 'stop') {
    const cpu = process.cpuUsage(window.cpu);
    const wallMs = Number(process.hrtime.bigint() - window.at) / 1e6;
    process.send({ cpuUs: cpu.user + cpu.system, userUs: cpu.user, systemUs: cpu.system, served: served - window.served, wallMs, gcs: gc.count - window.gcCount, gcMs: gc.ms - window.gcMs });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ port });
