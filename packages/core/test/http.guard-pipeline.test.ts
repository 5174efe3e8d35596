import { describe, expect, it } from 'vitest';
import { fallbackChain, httpSetup, Registry, WarningCode, type HttpResponse, type RequestInfo } from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';

const info = (ip = '10.0.0.1', source: object = {}): RequestInfo => ({ ip, method: 'GET', path: '/x', header: () => undefined, source });

function setup(extra: Record<string, unknown> = {}) {
  const clock = new ManualClock(0);
  const logged: string[] = [];
  const registry = new Registry();
  const http = httpSetup('test', { clock, registry, logger: { warn: (_m, { code }) => void logged.push(code) }, ...extra });
  return { clock, logged, registry, http };
}

describe('GuardPipeline', () => {
  it('admits, writes rate-limit headers, and refuses with 429 once the bucket is empty', async () => {
    const { http } = setup();
    const guards = http.pipeline({ rateLimit: { name: 'api', limits: [{ capacity: 2, refillRate: 1, refillInterval: '10s' }] } });
    const first = await guards.admit(info());
    expect(first.admitted).toBe(true);
    if (first.admitted) expect(first.ticket.headers).toEqual({ 'ratelimit-policy': '"api";q=2;w=20', ratelimit: '"api";r=1;t=10' });
    await guards.admit(info());
    const third = await guards.admit(info());
    expect(third.admitted).toBe(false);
    if (!third.admitted) {
      expect(third.response.status).toBe(429);
      expect(third.response.headers).toMatchObject({ 'retry-after': '10', ratelimit: '"api";r=0;t=10', 'content-type': 'application/problem+json' });
      expect(third.response.body).toMatchObject({ policy: 'api', code: 'ERR_RATE_LIMITED' });
    }
    expect((await guards.admit(info('10.0.0.2'))).admitted).toBe(true);
  });

  it('counts the fields\' reset times from the rate limit\'s own decision, reading the clock once per request', async () => {
    /** A clock that moves 1.5 s on each reading: a second reading would show in the fields. */
    class TickingClock extends ManualClock {
      reads = 0;
      override now(): number {
        this.reads++;
        const at = super.now();
        this.advance(1_500);
        return at;
      }
    }
    const clock = new TickingClock(0);
    const http = httpSetup('ticking', { clock, registry: new Registry() });
    const guards = http.pipeline({ rateLimit: { name: 'api', limits: [{ capacity: 2, refillRate: 1, refillInterval: '10s' }] } });
    const first = await guards.admit(info());
    if (!first.admitted) throw new Error('expected admission');
    // Decided at 0, full again at 10 s: t=10 (a second reading, at 1.5 s, would give t=9).
    expect(first.ticket.headers['ratelimit']).toBe('"api";r=1;t=10');
    expect(clock.reads).toBe(1);
  });

  it('opens the breaker after failures, answers 503 with Retry-After, and closes after a good probe', async () => {
    const { http, clock } = setup();
    const guards = http.pipeline({ circuitBreaker: { name: 'payments', trip: { consecutiveFailures: 2 }, recoveryTimeout: '5s' } });
    for (let i = 0; i < 2; i++) {
      const r = await guards.admit(info());
      if (r.admitted) r.ticket.finish(500);
    }
    const open = await guards.admit(info());
    expect(open.admitted).toBe(false);
    if (!open.admitted) expect(open.response).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    clock.advance(5_000);
    const probe = await guards.admit(info());
    expect(probe.admitted).toBe(true);
    if (probe.admitted) probe.ticket.finish(200);
    expect(guards.guards.circuitBreaker?.state).toBe('closed');
  });

  it('settles every permit once; a released ticket frees the bulkhead without counting', async () => {
    const { http } = setup();
    const guards = http.pipeline({ bulkhead: { name: 'db', maxConcurrent: 1 }, circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 } } });
    const a = await guards.admit(info());
    const full = await guards.admit(info());
    expect(full.admitted).toBe(false);
    if (!full.admitted) expect(full.response.status).toBe(503);
    if (!a.admitted) throw new Error('expected admission');
    a.ticket.release();
    a.ticket.finish(500);
    a.ticket.fail(new Error('late'));
    expect(guards.guards.circuitBreaker?.state).toBe('closed');
    expect((await guards.admit(info())).admitted).toBe(true);
  });

  it('answers 504 at the deadline and counts a breaker failure', async () => {
    const { http, clock } = setup();
    const guards = http.pipeline({ timeout: { name: 'slow', duration: '1s' }, circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 } } });
    const written: HttpResponse[] = [];
    const r = await guards.admit(info(), (response) => written.push(response));
    clock.advance(1_000);
    await flushMicrotasks();
    expect(written[0]).toMatchObject({ status: 504, body: { policy: 'slow', code: 'ERR_TIMEOUT' } });
    if (r.admitted) r.ticket.finish(200);
    expect(guards.guards.circuitBreaker?.state).toBe('open');
  });

  it('serves static, function, chain and last-good fallbacks for an open breaker', async () => {
    const { http, clock } = setup();
    const trip = { trip: { consecutiveFailures: 1 }, recoveryTimeout: '1m' } as const;
    const open = async (fallback: Parameters<typeof http.pipeline>[0]['fallback'], name: string) => {
      const guards = http.pipeline({ circuitBreaker: { name, ...trip }, ...(fallback === undefined ? {} : { fallback }) });
      const first = await guards.admit(info());
      if (first.admitted) {
        first.ticket.remember({ status: 200, headers: {}, body: 'cached' });
        first.ticket.finish(500);
      }
      return guards.admit(info());
    };
    expect(await open({ body: { ok: false }, status: 200 }, 'a')).toMatchObject({ response: { status: 200, body: { ok: false }, headers: { 'x-breakwater-fallback': 'static' } } });
    expect(await open(({ error }) => ({ status: 203, headers: {}, body: String((error as Error).name) }), 'b')).toMatchObject({ response: { status: 203, body: 'CircuitOpenError' } });
    const chain = fallbackChain({ tiers: [{ name: 'broken', run: () => { throw new Error('x'); } }, { name: 'static', value: { status: 200, headers: {}, body: 'tier' } }] });
    expect(await open(chain as never, 'c')).toMatchObject({ response: { body: 'tier', headers: { 'x-breakwater-fallback': 'chain' } } });
    expect(await open({ lastGood: { maxAgeMs: 10_000 } }, 'd')).toMatchObject({ response: { body: 'cached', headers: { 'x-breakwater-fallback': 'last-good' } } });
    clock.advance(20_000);
    const stale = await open({ lastGood: { maxAgeMs: 10_000 } }, 'd');
    expect(stale).toMatchObject({ response: { status: 503 } });
  });

  it('shares policies by name through the registry', () => {
    const { http, registry } = setup();
    const a = http.pipeline({ circuitBreaker: { name: 'shared' } });
    const b = http.pipeline({ circuitBreaker: { name: 'shared' } });
    expect(a.guards.circuitBreaker).toBe(b.guards.circuitBreaker);
    expect(registry.get('circuit-breaker', 'shared')).toBe(a.guards.circuitBreaker);
  });

  it('never turns a failing store into a 429 or a throw', async () => {
    const { http } = setup();
    const down = () => Promise.reject(new Error('down'));
    const failing = { consume: down, consumeAll: down, peek: down, reset: down } as never;
    const guards = http.pipeline({ rateLimit: { name: 'x', store: failing, onStoreError: 'failClosed', limits: [{ capacity: 1, refillRate: 1 }] } });
    // Whether a store outage admits (fail-open) or refuses is the policy's choice; never a 429 or a throw.
    const result = await guards.admit(info());
    if (!result.admitted) expect(result.response.status).toBe(503);
  });

  it('warns about a double count and a memory store behind several instances', async () => {
    const { http, logged } = setup({ instances: 3 });
    expect(logged).toContain(WarningCode.MemoryStoreMultiInstance);
    const guards = http.pipeline({ rateLimit: { name: 'api', limits: [{ capacity: 5, refillRate: 1 }] } });
    const request = {};
    await guards.admit(info('1.1.1.1', request));
    await guards.admit(info('1.1.1.1', request));
    expect(logged).toContain(WarningCode.DoubleCount);
  });

  it('warns when created while a request is being handled', async () => {
    const { http } = setup();
    const guards = http.pipeline({});
    const r = await guards.admit(info());
    const logged: string[] = [];
    httpSetup('late', { logger: { warn: (_m, { code }) => void logged.push(code) } });
    if (r.admitted) r.ticket.finish(200);
    expect(logged).toEqual([WarningCode.CreatedInHandler]);
  });

  it('validates route tables', () => {
    const { http } = setup();
    expect(() => http.table([{ path: 'no-slash' }])).toThrow(/resilience\.routes\.0\.path/);
    const table = http.table([{ path: '/api/v1/query/*', methods: ['get'], circuitBreaker: { name: 'q' } }]);
    expect(table.match('GET', '/api/v1/query/users')).toBeDefined();
    expect(table.match('POST', '/api/v1/query/users')).toBeUndefined();
  });
});
