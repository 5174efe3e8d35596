// The example app on Koa: the health route and the dashboard as middleware, one route table for
// every guarded route, and a small router for the handlers (no router package needed).
import { circuitBreakerHealth, dashboard, metrics, resilience } from '@breakwater/koa';
import Koa from 'koa';
import { listen } from './listen.mjs';

/** Reads a JSON request body (small: 16 kB at most). */
async function jsonBody(ctx) {
  let text = '';
  for await (const chunk of ctx.req) {
    text += chunk;
    if (text.length > 16_384) ctx.throw(413, 'request body too large');
  }
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    ctx.throw(400, 'invalid JSON');
  }
}

/** Matches `/a/:b` patterns; returns the params or undefined. */
function match(pattern, path) {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** A router middleware over `[method, pattern, handler]` entries. */
function router(table) {
  return async (ctx, next) => {
    for (const [method, pattern, handler] of table) {
      const params = ctx.method === method ? match(pattern, ctx.path) : undefined;
      if (params === undefined) continue;
      const body = method === 'POST' ? await jsonBody(ctx) : undefined;
      const answer = await handler({ params, query: ctx.query, body });
      // A guard that already answered (a timeout) wins.
      if (ctx.respond === false) return;
      ctx.status = answer.status;
      ctx.body = answer.body;
      return;
    }
    await next();
  };
}

/** Serves the example with Koa; resolves once it listens. */
export async function startKoa(example, { port, host }) {
  const { guards, http, handlers } = example;
  const app = new Koa();

  // Operations: health, dashboard and Prometheus metrics.
  app.use(circuitBreakerHealth(example.health));
  app.use(dashboard(example.dashboard));
  app.use(metrics(example.metrics));

  app.use(
    resilience({
      ...http,
      routes: [
        { path: '/api/catalog', ...guards.catalog },
        { path: '/api/search', ...guards.search },
        { path: '/api/feed', ...guards.feed },
        { path: '/api/reports/:report', ...guards.reports },
        { path: '/api/slow', ...guards.slow },
      ],
    }),
  );
  app.use(
    router([
      ['GET', '/', handlers.index],
      ['GET', '/admin/upstreams', handlers.listUpstreams],
      ['POST', '/admin/upstreams/:name', handlers.configureUpstream],
      ['GET', '/api/catalog', handlers.catalog],
      ['GET', '/api/search', handlers.search],
      ['GET', '/api/feed', handlers.feed],
      ['GET', '/api/reports/:report', handlers.report],
      ['GET', '/api/slow', handlers.slow],
    ]),
  );
  return listen(app.listen(port, host));
}
