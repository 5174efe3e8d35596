import { fallbackChain, type HttpResponse } from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { breakerState, scenarioApps, until, type Running } from './support.js';

/** Fallback rows of the scenario table: each kind of fallback, on refusals and on the handler's own failures. */
export function fallbackScenarios(harness: Harness): void {
  describe(`${harness.name}: fallbacks`, () => {
    const open = scenarioApps(harness);
    const tripped = { name: 'upstream', trip: { consecutiveFailures: 1 }, recoveryTimeout: '10m' as const };
    const openBreaker = async (a: Running) => {
      await a.get('/t/fail');
      await until(() => breakerState(a.registry, 'upstream') === 'open');
    };

    it('fallback: a static response', async () => {
      const a = await open({ circuitBreaker: tripped, fallback: { status: 200, body: { degraded: true } } });
      await openBreaker(a);
      const res = await a.get('/t/ok');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-breakwater-fallback')).toBe('static');
      expect(await res.json()).toEqual({ degraded: true });
    });

    it('fallback: a function of the error and the request', async () => {
      const a = await open({ circuitBreaker: tripped, fallback: ({ error, request }) => ({ status: 203, headers: {}, body: `${(error as Error).name} ${request.path}` }) });
      await openBreaker(a);
      const res = await a.get('/t/ok');
      expect(res.status).toBe(203);
      expect(await res.text()).toBe('CircuitOpenError /t/ok');
    });

    it('fallback: the core fallback chain', async () => {
      const chain = fallbackChain({
        tiers: [
          { name: 'secondary', run: (): HttpResponse => { throw new Error('secondary down'); } },
          { name: 'static', value: { status: 200, headers: {}, body: 'from the chain' } as HttpResponse },
        ],
      });
      const a = await open({ circuitBreaker: tripped, fallback: chain as never });
      await openBreaker(a);
      const res = await a.get('/t/ok');
      expect(res.headers.get('x-breakwater-fallback')).toBe('chain');
      expect(await res.text()).toBe('from the chain');
    });

    it('fallback: the last good response (stale-if-error), bounded by age', async () => {
      const a = await open({ circuitBreaker: tripped, fallback: { lastGood: { maxAgeMs: 60_000 } } });
      expect((await a.get('/t/ok')).status).toBe(200);
      await openBreaker(a);
      const stale = await a.get('/t/ok');
      expect(stale.status).toBe(200);
      expect(stale.headers.get('x-breakwater-fallback')).toBe('last-good');
      expect(await stale.json()).toEqual({ ok: true });
      expect((await a.get('/t/missing')).status).toBe(503);
      a.clock.advance(59_000);
      expect((await a.get('/t/ok')).status).toBe(200);
      a.clock.advance(2_000);
      expect((await a.get('/t/ok')).status).toBe(503);
    });
  });
}
