// What each route answers, written once for the three frameworks: a handler takes a small request
// object ({ params, query, body }) and returns { status, body } (JSON).
import { exampleRoutes } from './routes.mjs';

const searchIndex = ['kayak', 'paddle', 'vest', 'dry bag', 'spray deck', 'bilge pump'];

/** Builds the handlers around the upstreams and the last-good cache. */
export function createHandlers({ upstreams, lastGood, describe }) {
  return {
    index: async () => ({ status: 200, body: { ...describe(), routes: exampleRoutes } }),

    catalog: async () => {
      try {
        const body = { source: 'live', ...(await upstreams.catalog.call()) };
        lastGood.record(body);
        return { status: 200, body };
      } catch (error) {
        // A 5xx counts as a failure for the route's breaker.
        return { status: 502, body: { error: error.message } };
      }
    },

    search: async ({ query }) => {
      const q = typeof query.q === 'string' ? query.q.toLowerCase() : '';
      return { status: 200, body: { q, results: searchIndex.filter((item) => item.includes(q)) } };
    },

    feed: async () => ({ status: 200, body: { events: [{ type: 'price-drop', sku: 'paddle-c', price: 129 }] } }),

    report: async ({ params }) => ({ status: 200, body: { report: params.report, cost: params.report === 'export' ? 10 : 1 } }),

    slow: async () => {
      try {
        return { status: 200, body: await upstreams.reports.call() };
      } catch (error) {
        return { status: 502, body: { error: error.message } };
      }
    },

    listUpstreams: async () => ({ status: 200, body: { upstreams: Object.values(upstreams).map((upstream) => upstream.describe()) } }),

    configureUpstream: async ({ params, body }) => {
      const upstream = Object.hasOwn(upstreams, params.name) ? upstreams[params.name] : undefined;
      if (upstream === undefined) return { status: 404, body: { error: `no upstream named "${params.name}" (try ${Object.keys(upstreams).join(', ')})` } };
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: { error: 'expected a JSON object, e.g. {"outage": true}' } };
      try {
        return { status: 200, body: upstream.configure(body) };
      } catch (error) {
        return { status: 400, body: { error: error.message } };
      }
    },
  };
}
