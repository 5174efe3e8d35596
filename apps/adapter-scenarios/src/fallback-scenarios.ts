import { fallbackChain, type HttpResponse, type RouteFallback } from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { breakerState, scenarioApps, until, type Running } from './support.js';

const chain = (): RouteFallback =>
  fallbackChain({
    tiers: [
      { name: 'secondary', run: (): HttpResponse => { throw new Error('secondary down'); } },
      { name: 'static', value: { status: 200, headers: {}, body: 'from the chain' } as HttpResponse },
    ],
  }) as never;

/** Each kind of fallback, and what it answers for a handler's failure (a 500 or a throw). */
const onFailure: readonly { readonly kind: string; readonly fallback: RouteFallback; readonly body: (failed: 'fail' | 'throw') => string }[] = [
  { kind: 'static', fallback: { status: 200, body: { degraded: true } }, body: () => '{"degraded":true}' },
  { kind: 'function', fallback: ({ error }) => ({ status: 200, headers: {}, body: `${(error as Error).name} ${(error as { status: number }).status}` }), body: () => 'HandlerFailedError 500' },
  { kind: 'chain', fallback: chain(), body: () => 'from the chain' },
  { kind: 'last-good', fallback: { lastGood: {} }, body: () => '{"flaky":true}' },
];

/** Failures the breaker `cb` counted. */
function failures(a: Running): number {
  return (a.registry.get('circuit-breaker', 'cb')?.snapshot() as { failures?: number } | undefined)?.failures ?? -1;
}

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
      const a = await open({ circuitBreaker: tripped, fallback: chain() });
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

    const watched = { name: 'cb', trip: { consecutiveFailures: 10 } };
    for (const { kind, fallback, body } of onFailure) {
      it(`fallback on the handler's failure: ${kind} answers a 5xx and a throw, and the breaker still counts both`, async () => {
        const a = await open({ rateLimit: { name: 'api', limits: [{ capacity: 10, refillRate: 1 }] }, circuitBreaker: watched, fallback });
        expect((await a.get('/t/flaky')).status).toBe(200);
        for (const mode of ['fail', 'throw'] as const) {
          a.flaky.mode = mode;
          const res = await a.get('/t/flaky');
          expect(res.status).toBe(200);
          expect(res.headers.get('x-breakwater-fallback')).toBe(kind);
          expect(res.headers.get('ratelimit')).toMatch(/^"api";r=/);
          expect(await res.text()).toBe(body(mode));
        }
        await until(() => failures(a) === 2);
      });
    }

    it('fallback on the handler\'s failure: off with fallbackOnFailure: false, and a function may decline', async () => {
      for (const route of [{ fallback: { body: 'x' }, fallbackOnFailure: false }, { fallback: () => undefined }]) {
        const a = await open({ circuitBreaker: watched, ...route });
        for (const mode of ['fail', 'throw'] as const) {
          a.flaky.mode = mode;
          const res = await a.get('/t/flaky');
          expect(res.status).toBe(500);
          expect(res.headers.get('x-breakwater-fallback')).toBeNull();
          await res.arrayBuffer();
        }
        await until(() => failures(a) === 2);
      }
    });

    it('fallback on the handler\'s failure: 4xx answers are not failures and pass', async () => {
      const a = await open({ fallback: { body: 'x' } });
      expect((await a.get('/t/missing')).status).toBe(404);
    });
  });
}
