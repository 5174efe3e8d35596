import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGuidedDemo } from '../src/demo.mjs';
import { startExample } from '../src/server.mjs';
import { startRedis } from './support/redis-server.mjs';

/** Short phases: the same story in about 4 s. */
const pace = { tickMs: 40, normalMs: 1_500, recoveryTimeout: '700ms', openHoldMs: 300, afterCloseMs: 200 };

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

  // Per-IP limit rejects, global limit delays (and rejects nobody), quota refuses the 5th export, bulkhead turns 2 of 6 away.
  expect(counts['search-per-ip limit'].limited).toBeGreaterThanOrEqual(2);
  expect(counts['search-per-ip limit'].allowed).toBeGreaterThanOrEqual(10);
  expect(counts['feed-global limit'].allowed).toBe(31);
  expect(counts['feed-global limit'].delayed).toBeGreaterThanOrEqual(1);
  expect(counts['feed-global limit'].limited).toBeUndefined();
  expect(counts['reports quota']).toEqual({ allowed: 7, limited: 1 });
  expect(timeline.find((entry) => entry.guard === 'reports quota' && entry.event === 'limited').detail).toMatch(/^export for demo-key: 429/);
  expect(counts['reports-engine bulkhead']).toEqual({ allowed: 4, limited: 2 });
}

describe('guided demo', () => {
  it('tells normal traffic -> outage -> recovery with the memory store (express)', async () => {
    const lines = [];
    const { timeline, counts, store } = await runGuidedDemo({ framework: 'express', pace, log: (line) => lines.push(line) });
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

    it('tells the same story with every limit and quota in Redis (fastify)', async () => {
      const { timeline, counts, store } = await runGuidedDemo({ framework: 'fastify', redisUrl: redis.url, pace, log: () => {} });
      expect(store).toBe('redis');
      expectStory(timeline, counts);
      // No decision fell back to memory: Redis answered every one.
      expect(Object.keys(counts).filter((guard) => guard.endsWith(' store'))).toEqual([]);
    });

    it('shares limits and quotas between two instances on two ports (koa and express)', async () => {
      const a = await startExample({ framework: 'koa', port: 0, redisUrl: redis.url });
      const b = await startExample({ framework: 'express', port: 0, redisUrl: redis.url });
      try {
        expect(a.url).not.toBe(b.url);
        const search = async (app) => (await fetch(`${app.url}/api/search?q=shared`)).status;
        const statuses = [];
        for (let i = 0; i < 10; i++) statuses.push(await search(i % 2 === 0 ? a : b));
        expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(10);
        // The burst of 10 is spent across both instances: both now refuse the same client (a token
        // may have been refilled meanwhile, hence two tries each).
        const after = [await search(a), await search(b), await search(a), await search(b)];
        expect(after[0] === 429 || after[2] === 429).toBe(true);
        expect(after[1] === 429 || after[3] === 429).toBe(true);

        const report = (app) => fetch(`${app.url}/api/reports/export`, { headers: { 'x-api-key': 'shared-key' } }).then((r) => r.status);
        const reports = [];
        for (let i = 0; i < 6; i++) reports.push(await report(i % 2 === 0 ? a : b));
        expect(reports).toEqual([200, 200, 200, 200, 200, 429]);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
