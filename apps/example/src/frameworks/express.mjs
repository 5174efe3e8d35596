// The example app on Express: guards as route middleware (one guard) or a route table (several),
// the health route and the dashboard as app-level middleware.
import { circuitBreakerHealth, dashboard, metrics, quota, rateLimit, resilience } from '@breakwater/express';
import express from 'express';
import { listen } from './listen.mjs';

/** Adapts a shared handler to Express. A guard that already answered (a timeout) wins. */
function route(handler) {
  return async (req, res, next) => {
    try {
      const { status, body } = await handler({ params: req.params, query: req.query, body: req.body });
      if (!res.headersSent) res.status(status).json(body);
    } catch (error) {
      next(error);
    }
  };
}

/** Serves the example with Express; resolves once it listens. */
export async function startExpress(example, { port, host }) {
  const { guards, http, handlers } = example;
  const app = express();
  app.use(express.json());

  // Operations: health, dashboard, Prometheus metrics, admin.
  app.use(circuitBreakerHealth(example.health));
  app.use(dashboard(example.dashboard));
  app.use(metrics(example.metrics));
  app.get('/admin/upstreams', route(handlers.listUpstreams));
  app.post('/admin/upstreams/:name', route(handlers.configureUpstream));

  // One guard: route middleware.
  app.get('/api/search', rateLimit({ ...http, ...guards.search.rateLimit }), route(handlers.search));
  app.get('/api/feed', rateLimit({ ...http, ...guards.feed.rateLimit }), route(handlers.feed));
  app.get('/api/reports/:report', quota({ ...http, ...guards.reports.quota }), route(handlers.report));
  // Several guards on a route (breaker + timeout + fallback, bulkhead + timeout): a route table.
  app.use(resilience({ ...http, routes: [{ path: '/api/catalog', ...guards.catalog }, { path: '/api/slow', ...guards.slow }] }));
  app.get('/api/catalog', route(handlers.catalog));
  app.get('/api/slow', route(handlers.slow));
  app.get('/', route(handlers.index));

  app.use((error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ error: error.message });
  });
  return listen(app.listen(port, host));
}
