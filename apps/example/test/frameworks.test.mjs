import { beforeEach, describe, expect, it } from 'vitest';
import { clearOfHourBoundary, hourBoundaryWaitMs } from './support/hour-boundary.mjs';
import { exampleRoutes } from '../src/routes.mjs';
import { startExample } from '../src/server.mjs';

// The reports quota counts per UTC hour: no test may see it reset halfway.
beforeEach(() => clearOfHourBoundary(), hourBoundaryWaitMs);

const json = { 'content-type': 'application/json' };

describe.each(['express', 'fastify', 'koa'])('the example on %s', (framework) => {
  it('serves every route with the same HTTP semantics', async () => {
    // No refill of the search limit and no catalog deadline during the test: outcomes independent of machine speed.
    const tuning = { slowTimeout: '300ms', catalogTimeout: '30s', search: { capacity: 10, refillRate: 1, refillInterval: '1h' } };
    const app = await startExample({ framework, port: 0, tuning, upstreams: { catalog: { outage: true } } });
    const get = (path, headers = {}) => fetch(`${app.url}${path}`, { headers });
    const post = (path, body) => fetch(`${app.url}${path}`, { method: 'POST', headers: json, body });
    try {
      const index = await (await get('/')).json();
      expect(index).toMatchObject({ framework, store: 'memory' });
      expect(index.routes.map((route) => route.path)).toEqual(exampleRoutes.map((route) => route.path));

      // The upstream is down from the start: no good response yet, so the chain's static default answers once the breaker opens.
      const catalog = [];
      for (let i = 0; i < 6; i++) catalog.push(await get('/api/catalog'));
      expect(catalog.map((r) => r.status)).toEqual([502, 502, 502, 502, 502, 200]);
      expect(catalog[5].headers.get('x-breakwater-fallback')).toBe('chain');
      expect(await catalog[5].json()).toMatchObject({ source: 'static-default', items: [] });
      const catalogCalls = (await (await get('/admin/upstreams')).json()).upstreams.find((u) => u.name === 'catalog').calls;
      expect(catalogCalls).toBe(5); // the 6th call was refused by the open breaker without calling the upstream
      const health = await get('/health/circuit-breakers');
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unhealthy', criticalOpen: ['catalog'] });

      const searches = [];
      for (let i = 0; i < 12; i++) searches.push(await get('/api/search?q=pad'));
      expect(searches[0].headers.get('ratelimit-policy')).toBe('"search-per-ip";q=10;w=36000');
      expect(await searches[0].json()).toEqual({ q: 'pad', results: ['paddle'] });
      expect(searches.map((r) => r.status)).toEqual([...Array(10).fill(200), 429, 429]);
      const refused = searches[10];
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({ code: 'ERR_RATE_LIMITED', policy: 'search-per-ip' });

      const exports = [];
      for (let i = 0; i < 6; i++) exports.push((await get('/api/reports/export', { 'x-api-key': 'partner-key' })).status);
      expect(exports).toEqual([200, 200, 200, 200, 200, 429]);
      expect((await get('/api/reports/summary', { 'x-api-key': 'demo-key' })).status).toBe(200);

      expect((await post('/admin/upstreams/reports', JSON.stringify({ latencyMs: 1_000 }))).status).toBe(200);
      expect((await get('/api/slow')).status).toBe(504);
      expect((await post('/admin/upstreams/nope', '{}')).status).toBe(404);
      expect((await post('/admin/upstreams/catalog', JSON.stringify({ failureRate: 2 }))).status).toBe(400);
      expect((await post('/admin/upstreams/catalog', '{oops')).status).toBe(400);
      const upstreams = await (await get('/admin/upstreams')).json();
      expect(upstreams.upstreams.find((u) => u.name === 'reports')).toMatchObject({ latencyMs: 1_000 });

      const scrape = await get('/metrics');
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await scrape.text();
      expect(text).toContain('breakwater_circuit_state{name="catalog",state="open"} 1');
      expect(text).toContain('breakwater_ratelimit_decisions_total{policy="search-per-ip",decision="limited"} 2');
      expect(text).toContain('breakwater_quota_decisions_total{policy="reports",decision="exceeded"} 1');

      const page = await get('/dashboard');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Breakwater dashboard</title>');
    } finally {
      await app.close();
    }
  });
});
