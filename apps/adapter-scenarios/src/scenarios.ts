import { RateLimit } from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import { fallbackScenarios } from './fallback-scenarios.js';
import type { Harness } from './harness.js';
import { metricsScenarios } from './metrics-scenarios.js';
import { abandonHeld, breakerCalls, breakerState, bulkheadActive, failingStore, scenarioApps, until } from './support.js';

/** True when core rate limits take the store outage option (`onStoreError`). */
function outageOptionExists(): boolean {
  try {
    new RateLimit({ name: 'probe', limits: [{ capacity: 1, refillRate: 1 }], onStoreError: 'failClosed' } as never).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The scenario table every adapter passes over real HTTP on 127.0.0.1. Time moves only through the
 * ManualClock; waits are for I/O turns, never for timers.
 */
export function runScenarios(harness: Harness): void {
  describe(`${harness.name}: shared scenarios`, () => {
    const open = scenarioApps(harness);

    const limit = { rateLimit: { name: 'api', limits: [{ capacity: 2, refillRate: 1, refillInterval: '10s' as const }] } };

    it('allowed: passes through with the RateLimit fields', async () => {
      const a = await open(limit);
      const res = await a.get('/t/ok');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect(res.headers.get('ratelimit-policy')).toBe('"api";q=2;w=20');
      expect(res.headers.get('ratelimit')).toBe('"api";r=1;t=10');
    });

    it('rate limited: 429, Retry-After, RateLimit fields and a problem+json body', async () => {
      const a = await open(limit);
      await a.get('/t/ok');
      await a.get('/t/ok');
      const res = await a.get('/t/ok');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('ratelimit')).toBe('"api";r=0;t=10');
      expect(res.headers.get('ratelimit-policy')).toBe('"api";q=2;w=20');
      expect(await res.json()).toMatchObject({ status: 429, title: 'Too Many Requests', policy: 'api', code: 'ERR_RATE_LIMITED', retryAfter: 10 });
      a.clock.advance(10_000);
      expect((await a.get('/t/ok')).status).toBe(200);
    });

    it('rate limited: earlier drafts and legacy X-RateLimit-* by option', async () => {
      const a = await open(limit, { headers: { standard: 'draft-6', legacy: true } });
      const res = await a.get('/t/ok');
      expect(res.headers.get('ratelimit-limit')).toBe('2');
      expect(res.headers.get('ratelimit-remaining')).toBe('1');
      expect(res.headers.get('x-ratelimit-limit')).toBe('2');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(res.headers.get('ratelimit')).toBeNull();
    });

    it('quota exhausted, then reset at the next calendar window', async () => {
      const a = await open({ quota: { name: 'daily', limits: { day: 2 } } });
      expect((await a.get('/t/ok')).status).toBe(200);
      expect((await a.get('/t/ok')).status).toBe(200);
      const res = await a.get('/t/ok');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('86400');
      expect(await res.json()).toMatchObject({ policy: 'daily', code: 'ERR_QUOTA_EXCEEDED' });
      a.clock.advance(86_400_000);
      expect((await a.get('/t/ok')).status).toBe(200);
    });

    const breaker = { circuitBreaker: { name: 'payments', trip: { consecutiveFailures: 2 }, recoveryTimeout: '30s' as const } };

    it('breaker opens after 5xx and thrown errors, then 503 with Retry-After', async () => {
      const a = await open(breaker);
      expect((await a.get('/t/fail')).status).toBe(500);
      expect((await a.get('/t/throw')).status).toBe(500);
      await until(() => breakerState(a.registry, 'payments') === 'open');
      const res = await a.get('/t/ok');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toMatchObject({ status: 503, policy: 'payments', code: 'ERR_CIRCUIT_OPEN' });
    });

    it('4xx responses are not failures', async () => {
      const a = await open(breaker);
      for (let i = 0; i < 4; i++) expect((await a.get('/t/missing')).status).toBe(404);
      expect((await a.get('/t/ok')).status).toBe(200);
      expect(breakerState(a.registry, 'payments')).toBe('closed');
    });

    it('half-open probe closes the breaker', async () => {
      const a = await open(breaker);
      await a.get('/t/fail');
      await a.get('/t/fail');
      await until(() => breakerState(a.registry, 'payments') === 'open');
      a.clock.advance(30_000);
      expect((await a.get('/t/ok')).status).toBe(200);
      await until(() => breakerState(a.registry, 'payments') === 'closed');
      expect((await a.get('/t/ok')).status).toBe(200);
    });

    it('bulkhead full: 503 while the slot is held, served once it frees', async () => {
      const a = await open({ bulkhead: { name: 'reports', maxConcurrent: 1 } });
      const held = a.get('/t/hold');
      await until(() => a.gate.entered === 1);
      const res = await a.get('/t/ok');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ policy: 'reports', code: 'ERR_BULKHEAD_FULL' });
      a.gate.release();
      expect((await held).status).toBe(200);
      await until(() => bulkheadActive(a.registry, 'reports') === 0);
      expect((await a.get('/t/ok')).status).toBe(200);
    });

    it('client gone: the slot stays held while the handler runs, then is freed; nothing counted', async () => {
      const a = await open({ bulkhead: { name: 'pool', maxConcurrent: 1 }, circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 } } });
      await abandonHeld(a);
      // The first handler still runs: the bulkhead still caps it.
      const refused = await a.get('/t/ok');
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ policy: 'pool', code: 'ERR_BULKHEAD_FULL' });
      a.gate.release();
      await until(() => bulkheadActive(a.registry, 'pool') === 0);
      expect(breakerCalls(a.registry, 'cb')).toBe(0);
      expect((await a.get('/t/ok')).status).toBe(200);
    });

    it('client gone, then the deadline passes: released, not counted as a timeout', async () => {
      const a = await open({ bulkhead: { name: 'pool', maxConcurrent: 1 }, circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 } }, timeout: { name: 'slow', duration: '1s' } });
      await abandonHeld(a);
      expect(bulkheadActive(a.registry, 'pool')).toBe(1);
      a.clock.advance(1_000);
      await until(() => bulkheadActive(a.registry, 'pool') === 0);
      expect(breakerState(a.registry, 'cb')).toBe('closed');
      expect(breakerCalls(a.registry, 'cb')).toBe(0);
      expect((await a.get('/t/ok')).status).toBe(200);
    });

    it('timeout: 504 at the deadline, counted as a breaker failure', async () => {
      const a = await open({ timeout: { name: 'slow', duration: '1s' }, circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 }, recoveryTimeout: '10s' } });
      const held = a.get('/t/hold');
      await until(() => a.gate.entered === 1);
      a.clock.advance(1_000);
      const res = await held;
      expect(res.status).toBe(504);
      expect(await res.json()).toMatchObject({ status: 504, policy: 'slow', code: 'ERR_TIMEOUT' });
      expect(breakerState(a.registry, 'cb')).toBe('open');
    });

    it('1,000 spoofed X-Forwarded-For values land in one bucket when trust proxy is off', async () => {
      const a = await open({ rateLimit: { name: 'api', limits: [{ capacity: 1_000, refillRate: 1, refillInterval: '1h' }] } });
      for (let i = 0; i < 1_000; i++) {
        const res = await a.get('/t/ok', { 'x-forwarded-for': `203.0.${i >> 8}.${i & 255}` });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      expect((await a.get('/t/ok', { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
      expect(a.warnings).toEqual(['BW_XFF_WITHOUT_TRUST_PROXY']);
    });

    it('two addresses of one IPv6 /56 share a bucket (trust proxy on)', async () => {
      const a = await open({ rateLimit: { name: 'api', limits: [{ capacity: 1, refillRate: 1, refillInterval: '1h' }] } }, {}, 'loopback');
      expect((await a.get('/t/ok', { 'x-forwarded-for': '2001:db8:1:ab01::1' })).status).toBe(200);
      expect((await a.get('/t/ok', { 'x-forwarded-for': '2001:db8:1:abff:ffff::2' })).status).toBe(429);
      expect((await a.get('/t/ok', { 'x-forwarded-for': '2001:db8:1:ac00::1' })).status).toBe(200);
      expect((await a.get('/t/ok', { 'x-forwarded-for': '::ffff:198.51.100.1' })).status).toBe(200);
      expect((await a.get('/t/ok', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
    });

    it('malformed input never crashes and never gets a 500 from the middleware', async () => {
      const a = await open({ rateLimit: { name: 'api', limits: [{ capacity: 100, refillRate: 1 }] } }, { clientKey: { by: 'header', header: 'x-api-key' } }, 'loopback');
      const hostile: Record<string, string>[] = [
        { 'x-forwarded-for': Array.from({ length: 900 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(', ') },
        { 'x-forwarded-for': 'not-an-ip, 999.999.1.1, ::zz' },
        { 'x-forwarded-for': '' },
        { 'x-forwarded-for': ',,,,' },
        { 'x-api-key': 'k'.repeat(8_000) },
        { 'x-api-key': '' },
        {},
        { 'x-weird': '\u00ff'.repeat(100) },
      ];
      for (const headers of hostile) {
        const res = await a.get('/t/ok', headers);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      expect((await a.get('/open')).status).toBe(200);
    });

    it('malformed paths and queries never crash and never get a 500 from the middleware', async () => {
      const a = await open({ rateLimit: { name: 'api', limits: [{ capacity: 100, refillRate: 1 }] }, bulkhead: { name: 'pool', maxConcurrent: 2 } });
      const paths = ['/t/ok%', '/t/%E0%A4%A', '/t/%00', '/t/ok?%%%=%', '/t//ok', '/t/..%2f..%2fetc', `/t/${'x'.repeat(6_000)}`, '/health/circuit-breakers/%E0%A4%A', '/metrics/%'];
      for (const path of paths) {
        const res = await a.get(path);
        expect(res.status, path).toBeLessThan(500);
        await res.arrayBuffer();
      }
      await until(() => bulkheadActive(a.registry, 'pool') === 0);
      expect((await a.get('/open')).status).toBe(200);
    });

    const outage = outageOptionExists();
    it.skipIf(!outage)('store down: fail-open serves, fail-closed answers 503, never 429', async () => {
      const opened = await open({ rateLimit: { name: 'api', store: failingStore(), onStoreError: 'failOpen', limits: [{ capacity: 1, refillRate: 1 }] } as never });
      expect((await opened.get('/t/ok')).status).toBe(200);
      expect((await opened.get('/t/ok')).status).toBe(200);
      const closed = await open({ rateLimit: { name: 'api', store: failingStore(), onStoreError: 'failClosed', limits: [{ capacity: 1, refillRate: 1 }] } as never });
      const res = await closed.get('/t/ok');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    });
  });
  fallbackScenarios(harness);
  metricsScenarios(harness);
}
