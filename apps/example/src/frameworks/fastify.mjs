// The example app on Fastify: the Breakwater plugin (with its health routes), each route's guards
// in its `config.breakwater`, and the dashboard plugin.
import { breakwater, dashboard, metrics } from '@breakwater/fastify';
import Fastify from 'fastify';

/** Adapts a shared handler to Fastify. A guard that already answered (a timeout) wins. */
function route(handler) {
  return async (request, reply) => {
    const { status, body } = await handler({ params: request.params, query: request.query, body: request.body });
    if (reply.sent) return reply;
    return reply.code(status).send(body);
  };
}

/** Serves the example with Fastify; resolves once it listens. */
export async function startFastify(example, { port, host }) {
  const { guards, http, handlers } = example;
  const app = Fastify({ forceCloseConnections: true });
  const open = { config: { breakwater: false } };

  // Operations: health (from the plugin), dashboard, Prometheus metrics, admin.
  await app.register(breakwater, { ...http, health: { critical: example.health.critical } });
  await app.register(dashboard(example.dashboard));
  app.get('/metrics', open, metrics(example.metrics));
  app.get('/admin/upstreams', open, route(handlers.listUpstreams));
  app.post('/admin/upstreams/:name', open, route(handlers.configureUpstream));

  // Each route names its guards.
  app.get('/api/catalog', { config: { breakwater: guards.catalog } }, route(handlers.catalog));
  app.get('/api/search', { config: { breakwater: guards.search } }, route(handlers.search));
  app.get('/api/feed', { config: { breakwater: guards.feed } }, route(handlers.feed));
  app.get('/api/reports/:report', { config: { breakwater: guards.reports } }, route(handlers.report));
  app.get('/api/slow', { config: { breakwater: guards.slow } }, route(handlers.slow));
  app.get('/', open, route(handlers.index));

  const url = await app.listen({ port, host });
  return { url: url.replace('localhost', host), close: () => app.close() };
}
