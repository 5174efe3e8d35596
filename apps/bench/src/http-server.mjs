/**
 * One hello-world server for the HTTP benchmark: `node src/http-server.mjs <express|fastify|koa> <bare|stack|stack-headers>`.
 * `stack` is rate limit + breaker + bulkhead on a memory store, without rate-limit headers;
 * `stack-headers` sends the IETF RateLimit fields. Talks to the parent over IPC: sends its port,
 * answers `cpu` with process.cpuUsage().
 */
import { Registry } from '@breakwater/core';

const [framework, variant] = process.argv.slice(2);
const guards = {
  rateLimit: { name: 'api', limits: [{ capacity: 1e9, refillRate: 1e9 }] },
  circuitBreaker: { name: 'cb' },
  bulkhead: { name: 'pool', maxConcurrent: 1_000 },
};
const http = { registry: new Registry(), headers: variant === 'stack-headers' ? { standard: 'httpapi' } : { standard: false } };
const guarded = variant !== 'bare';

async function listen() {
  if (framework === 'express') {
    const { default: express } = await import('express');
    const { resilience } = await import('@breakwater/express');
    const app = express();
    if (guarded) app.use(resilience({ ...http, routes: [{ path: '/*', ...guards }] }));
    app.get('/', (_req, res) => res.send('hello'));
    return new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s.address().port)); });
  }
  if (framework === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const { breakwater } = await import('@breakwater/fastify');
    const app = Fastify();
    if (guarded) await app.register(breakwater, { ...http, global: guards });
    app.get('/', async () => 'hello');
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server.address().port;
  }
  const { default: Koa } = await import('koa');
  const { resilience } = await import('@breakwater/koa');
  const app = new Koa();
  if (guarded) app.use(resilience({ ...http, routes: [{ path: '/*', ...guards }] }));
  app.use((ctx) => { ctx.body = 'hello'; });
  return new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s.address().port)); });
}

const port = await listen();
process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
});
process.send({ port });
