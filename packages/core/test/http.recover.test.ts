import { describe, expect, it } from 'vitest';
import { ConfigError, httpSetup, isBreakwaterError, type FallbackContext, type Permit, type RequestInfo, type RouteGuards } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

const info: RequestInfo = { ip: '1.1.1.1', method: 'GET', path: '/r', header: () => undefined };

async function admitted(route: RouteGuards, outcome = {}) {
  const setup = httpSetup('t', { clock: new ManualClock(0), logger: { warn: () => undefined }, outcome });
  const guards = setup.pipeline({ circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 }, recoveryTimeout: '1h' }, ...route });
  const result = await guards.admit(info);
  if (!result.admitted) throw new Error('expected admission');
  return { ticket: result.ticket, breaker: () => (guards.guards.circuitBreaker?.snapshot().state as string) };
}

describe('fallbacks on the handler’s own failures', () => {
  it('intercepts failure statuses and failing errors only, and only while unsettled', async () => {
    const { ticket } = await admitted({ fallback: { body: 'static' } });
    expect(ticket.recovers).toBe(true);
    expect(ticket.intercepts(500)).toBe(true);
    expect(ticket.intercepts(404)).toBe(false);
    expect(ticket.intercepts(200)).toBe(false);
    expect(ticket.intercepts(500, new Error('boom'))).toBe(true);
    expect(ticket.intercepts(404, Object.assign(new Error('nf'), { status: 404 }))).toBe(false);
    ticket.finish(200);
    expect(ticket.intercepts(500)).toBe(false);
  });

  it('follows the outcome rules: an ignored error or a status counted as success is not intercepted', async () => {
    const { ticket } = await admitted({ fallback: { body: 'static' } }, { isFailureStatus: (s: number) => s === 503, isIgnoredError: (e: unknown) => (e as Error).message === 'ignored' });
    expect(ticket.intercepts(500)).toBe(false);
    expect(ticket.intercepts(503)).toBe(true);
    expect(ticket.intercepts(500, new Error('ignored'))).toBe(false);
  });

  it('is off with fallbackOnFailure: false, and without a fallback', async () => {
    expect((await admitted({ fallback: { body: 'x' }, fallbackOnFailure: false })).ticket.intercepts(500)).toBe(false);
    expect((await admitted({})).ticket.recovers).toBe(false);
    expect(() => httpSetup('t', {}).pipeline({ fallback: { body: 'x' }, fallbackOnFailure: 'yes' as never })).toThrow(ConfigError);
  });

  it('recover counts the failure on the breaker and answers with the fallback', async () => {
    const { ticket, breaker } = await admitted({ fallback: { status: 200, body: { degraded: true } } });
    const response = await ticket.recover(502);
    expect(response).toMatchObject({ status: 200, body: { degraded: true }, headers: { 'x-breakwater-fallback': 'static' } });
    expect(ticket.settled).toBe(true);
    expect(breaker()).toBe('open');
  });

  it('hands a function a HandlerFailedError with the status and the thrown error as cause; undefined declines', async () => {
    const seen: FallbackContext[] = [];
    const thrown = new Error('db down');
    const { ticket } = await admitted({ fallback: (context) => void seen.push(context) });
    expect(await ticket.recover(500, thrown)).toBeUndefined();
    const error = seen[0]?.error as Error & { status: number };
    expect(isBreakwaterError(error, 'ERR_HANDLER_FAILED')).toBe(true);
    expect(error.status).toBe(500);
    expect(error.cause).toBe(thrown);
    expect(seen[0]?.request.path).toBe('/r');
  });

  it('a fallback that throws leaves the handler’s response', async () => {
    const { ticket } = await admitted({ fallback: () => { throw new Error('fallback broke'); } });
    expect(await ticket.recover(500)).toBeUndefined();
    expect(ticket.settled).toBe(true);
  });

  it('the last good response is served stale on a failure, and a served fallback is never remembered', async () => {
    const clock = new ManualClock(0);
    const setup = httpSetup('t', { clock, logger: { warn: () => undefined } });
    const guards = setup.pipeline({ fallback: { lastGood: { maxAgeMs: 60_000 } }, bulkhead: { name: 'b', maxConcurrent: 5 } });
    const next = async () => {
      const r = await guards.admit(info);
      if (!r.admitted) throw new Error('expected admission');
      return r.ticket;
    };
    const first = await next();
    expect(await first.recover(500)).toBeUndefined(); // nothing recorded yet
    const good = await next();
    good.remember({ status: 200, headers: {}, body: 'fresh' });
    good.finish(200);
    clock.advance(30_000);
    const failing = await next();
    const stale = await failing.recover(503);
    expect(stale).toMatchObject({ status: 200, body: 'fresh', headers: { 'x-breakwater-fallback': 'last-good', age: '30' } });
    failing.remember(stale as never);
    clock.advance(31_000);
    expect(await (await next()).recover(500)).toBeUndefined(); // the stale answer did not refresh the entry
  });

  it('settles permits as failures with the thrown error', async () => {
    const failures: unknown[] = [];
    const permit: Permit = { admitted: true, policy: 'p', settled: false, success: () => undefined, failure: (e) => void failures.push(e), release: () => undefined };
    const { Ticket } = await import('../src/http/ticket.js');
    const { outcomeSchema } = await import('../src/http/outcome-classifier.js');
    const ticket = new Ticket({ ...info, client: '1.1.1.1' }, [permit], {}, outcomeSchema.parse({}), undefined, true);
    expect(ticket.recovers).toBe(false); // no fallback, nothing to recover with
    const thrown = new Error('x');
    ticket.fail(thrown);
    expect(failures).toEqual([thrown]);
  });
});
