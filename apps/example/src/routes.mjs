// The example's routes: printed at start-up, served at `/`, and the one list to extend when a route
// is added (each framework module mounts the same list in its own idiom).

/** @typedef {{ method: string, path: string, shows: string, try?: string }} ExampleRoute */

/** @type {readonly ExampleRoute[]} */
export const apiRoutes = Object.freeze([
  { method: 'GET', path: '/api/catalog', shows: 'circuit breaker + 1 s timeout; fallback chain: live upstream -> last good response -> static default' },
  { method: 'GET', path: '/api/search', shows: 'per-IP rate limit (burst 10, 5/s) that rejects with 429', try: '/api/search?q=kayak' },
  { method: 'GET', path: '/api/feed', shows: 'global rate limit (20/s) that delays callers in a bounded queue' },
  { method: 'GET', path: '/api/reports/summary', shows: 'API-key quota per hour and per day (x-api-key: demo-key), cost 1' },
  { method: 'GET', path: '/api/reports/export', shows: 'the same quota, weighted: cost 10' },
  { method: 'GET', path: '/api/slow', shows: 'bulkhead (2 at once, 2 queued) and a 1.5 s timeout around a slow upstream' },
]);

/** @type {readonly ExampleRoute[]} */
export const operationsRoutes = Object.freeze([
  { method: 'GET', path: '/dashboard', shows: 'live dashboard: breakers, limits, quotas, bulkheads, store health (Server-Sent Events)' },
  { method: 'GET', path: '/health/circuit-breakers', shows: 'breaker health; 503 while the catalog breaker is not closed' },
  { method: 'GET', path: '/metrics', shows: 'Prometheus metrics: breaker state, calls by outcome, rejections, limit and quota decisions, bulkhead occupancy' },
  { method: 'GET', path: '/admin/upstreams', shows: 'the simulated upstreams and their settings' },
  {
    method: 'POST',
    path: '/admin/upstreams/:name',
    shows: 'change an upstream at run time: {"outage": true}, {"failureRate": 0.3}, {"latencyMs": 2000}',
  },
]);

/** Every route, API first. */
export const exampleRoutes = Object.freeze([...apiRoutes, ...operationsRoutes]);

/** The API keys the example knows (quota usage per key is shown on the dashboard). */
export const demoApiKeys = Object.freeze(['demo-key', 'partner-key']);
