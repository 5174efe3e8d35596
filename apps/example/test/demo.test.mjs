import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearOfHourBoundary, hourBoundaryWaitMs } from './support/hour-boundary.mjs';
import { runGuidedDemo } from '../src/demo.mjs';
import { startExample } from '../src/server.mjs';
import { startRedis } from './support/redis-server.mjs';

// The reports quota counts per UTC hour: no test may see it reset halfway.
beforeEach(() => clearOfHourBoundary(), hourBoundaryWaitMs);

/** Short phases: the same story in about 5 s. */
const pace = { tickMs: 40, normalMs: 1_500, recoveryTimeout: '700ms', openHoldMs: 300, afterCloseMs: 200 };
/**
 * Outcomes that do not depend on how fast a busy machine sends requests: the search limit does not
 * refill during the test, the feed refills 1 per second (a burst is always queued), the reports
 * upstream is slow enough to fill the bulkhead, and no deadline is short enough to fire by accident.
 */
const tuning = {
  catalogTimeout: '30s',
  slowTimeout: '30s',
  search: { capacity: 10, refillRate: 1, refillInterval: '1h' },
  feed: { capacity: 1, refillRate: 1 },
};
const upstreams = { reports: { latencyMs: 1_000 } };

/** Asserts the story the timeline tells: what each guard did, and in which order and phase. */
function expectStory(timeline, counts) {
  const catalog = timeline.filter((entry) => entry.guard === 'catalog breaker');
  const first = (event) => catalog.findIndex((entry) => entry.event === event);
  const order = ['allowed', 'failed', 'opened', 'fallback served', 'probed', 'closed'].map(first);
  expect(order.every((index) => index >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(catalog.at(-1).event).toBe('allowed');
  expect(catalog.find((entry) => entry.event === 'opened').phase).toBe('2. upstream outage');
  expect(catalog.find((entry) => entry.event === 'closed').phase).toBe('3. recovery');
  // Every answer while the breaker was open came from the fallback chain's last-good tier, without calling the upstream.
  const opened = catalog.findIndex((entry) => entry.event === 'opened');
  const probed = first('probed');
  const whileOpen = catalog.slice(opened + 1, probed).filter((entry) => entry.event !== 'failed');
  expect(whileOpen.length).toBeGreaterThan(0);
  expect(whileOpen.every((entry) => entry.event === 'fallback served' && entry.detail.startsWith('last-good'))).toBe(true);
  // The breaker opened after exactly 5 failures in a row.
  expect(counts['catalog breaker'].failed).toBe(5);
  expect(counts['catalog breaker'].opened).toBe(1);
  expect(counts['catalog breaker'].closed).toBe(1);

  // The per-IP limit rejects past its burst; the global limit queues a burst (and refuses what would wait
  // longer than 2 s); the quota refuses the 5th export; the bulkhead turns away what it cannot hold.
  expect(counts['search-per-ip limit']).toEqual({ allowed: 10, limited: 4 });
  const feed = counts['feed-global limit'];
  expect(feed.delayed).toBeGreaterThanOrEqual(1);
  expect(feed.allowed).toBeGreaterThanOrEqual(2);
  expect(feed.allowed + (feed.limited ?? 0)).toBe(31);
  expect(counts['reports quota']).toEqual({ allowed: 7, limited: 1 });
  expect(timeline.find((entry) => entry.guard === 'reports quota' && entry.event === 'limited').detail).toMatch(/^export for demo-key: 429/);
  const bulkhead = counts['reports-engine bulkhead'];
  expect(bulkhead.allowed).toBeGreaterThanOrEqual(2);
  expect(bulkhead.limited).toBeGreaterThanOrEqual(1);
  expect(bulkhead.allowed + bulkhead.limited).toBe(6);
}

describe('guided demo', () => {
  it('tells normal traffic -> outage -> recovery with the memory store (express)', async () => {
    const lines = [];
    const { timeline, counts, store } = await runGuidedDemo({ framework: 'express', pace, tuning, upstreams, log: (line) => lines.push(line) });
    expect(store).toBe('memory');
    expectStory(timeline, counts);
    expect(counts).not.toHaveProperty(['search-per-ip store']);
    const printed = lines.join('\n');
    expect(printed).toMatch(/catalog breaker\s+opened\s+closed -> open \(5 consecutive failures/);
    expect(printed).toMatch(/catalog breaker\s+fallback served x\d+ last-good/);
    expect(printed).toContain('== what each guard did');
  });

  describe('with the Redis store', () => {
    let redis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    beforeEach(async () => {
      await redis.flush();
    });

    it('tells the same story with every limit and quota in Redis (fastify)', async () => {
      const { timeline, counts, store } = await runGuidedDemo({ framework: 'fastify', redisUrl: redis.url, pace, tuning, upstreams, log: () => {} });
      expect(store).toBe('redis');
      expectStory(timeline, counts);
      // No decision fell back to memory: Redis answered every one.
      expect(Object.keys(counts).filter((guard) => guard.endsWith(' store'))).toEqual([]);
    });

    it('shares limits, quotas and the catalog breaker between two instances on two ports (koa and express)', async () => {
      const a = await startExample({ framework: 'koa', port: 0, redisUrl: redis.url, tuning });
      const b = await startExample({ framework: 'express', port: 0, redisUrl: redis.url, tuning });
      try {
        expect(a.url).not.toBe(b.url);
        const search = async (app) => (await fetch(`${app.url}/api/search?q=shared`)).status;
        const statuses = [];
        for (let i = 0; i < 10; i++) statuses.push(await search(i % 2 === 0 ? a : b));
        expect(statuses).toEqual(Array(10).fill(200));
        // The burst of 10 is spent across both instances: both now refuse the same client.
        expect([await search(a), await search(b)]).toEqual([429, 429]);

        const report = (app) => fetch(`${app.url}/api/reports/export`, { headers: { 'x-api-key': 'shared-key' } }).then((r) => r.status);
        const reports = [];
        for (let i = 0; i < 6; i++) reports.push(await report(i % 2 === 0 ? a : b));
        expect(reports).toEqual([200, 200, 200, 200, 200, 429]);

        // One breaker for both: an outage seen only by instance a opens the catalog breaker on b too,
        // whose own upstream is healthy; b answers from the fallback chain without calling it.
        const configure = (app, settings) => fetch(`${app.url}/admin/upstreams/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
        expect((await configure(a, { outage: true })).status).toBe(200);
        for (let i = 0; i < 5; i++) await fetch(`${a.url}/api/catalog`);
        // The 5th failure's outcome reaches Redis just after its 502 reaches the client, so each instance
        // sees the breaker open a moment later: a (through the script's reply) and b (through pub/sub).
        const healthOf = async (app) => (await fetch(`${app.url}/health/circuit-breakers`)).status;
        const openWithin = async (app, ms) => {
          const since = Date.now();
          while ((await healthOf(app)) !== 503 && Date.now() - since < ms) await new Promise((resolve) => setTimeout(resolve, 20));
          return healthOf(app);
        };
        expect(await openWithin(a, 2_000)).toBe(503);
        expect(await openWithin(b, 2_000)).toBe(503);
        const fromB = await fetch(`${b.url}/api/catalog`);
        expect(fromB.headers.get('x-breakwater-fallback')).toBe('chain');
        const upstreamsOfB = (await (await fetch(`${b.url}/admin/upstreams`)).json()).upstreams;
        expect(upstreamsOfB.find((u) => u.name === 'catalog').calls).toBe(0);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
