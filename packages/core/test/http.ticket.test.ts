import { describe, expect, it } from 'vitest';
import { httpSetup, mergeFieldValue, serializeBody, splitHttpOptions, type Permit, type RequestInfo } from '../src/index.js';
import { Ticket } from '../src/http/ticket.js';
import { outcomeSchema } from '../src/http/outcome-classifier.js';
import { ManualClock } from '../src/testing/index.js';

function recorder() {
  const calls: string[] = [];
  const permit: Permit = {
    admitted: true,
    policy: 'p',
    settled: false,
    success: () => void calls.push('success'),
    failure: () => void calls.push('failure'),
    release: () => void calls.push('release'),
  };
  return { calls, permit };
}

const input = { ip: '1.1.1.1', method: 'GET', path: '/', header: () => undefined, client: '1.1.1.1' };

describe('Ticket', () => {
  it('judges HTTP errors by their status and other errors as failures', () => {
    const cases: [unknown, string][] = [
      [Object.assign(new Error('nf'), { status: 404 }), 'success'],
      [Object.assign(new Error('bad'), { statusCode: 400 }), 'success'],
      [Object.assign(new Error('bad gateway'), { status: 502 }), 'failure'],
      [new Error('plain'), 'failure'],
    ];
    for (const [error, expected] of cases) {
      const { calls, permit } = recorder();
      new Ticket(input, [permit], {}, outcomeSchema.parse({}), undefined).fail(error);
      expect(calls).toEqual([expected]);
    }
  });

  it('after abandon(), holds its permits until the handler ends, then releases whatever the ending', () => {
    const clock = new ManualClock(0);
    for (const end of [(t: Ticket) => t.finish(500), (t: Ticket) => t.fail(new Error('x')), (t: Ticket) => t.finish(200)]) {
      const { calls, permit } = recorder();
      const ticket = new Ticket(input, [permit], {}, outcomeSchema.parse({}), { records: false, record: () => undefined, answer: async () => undefined }, true);
      ticket.abandon();
      expect(ticket.abandoned).toBe(true);
      expect(ticket.intercepts(500)).toBe(false);
      expect(calls).toEqual([]);
      end(ticket);
      expect(calls).toEqual(['release']);
    }
    const { calls, permit } = recorder();
    const timed = new Ticket(input, [permit], {}, outcomeSchema.parse({}), undefined);
    let elapsed = false;
    timed.arm(clock, 1_000, () => void (elapsed = true));
    timed.abandon();
    clock.advance(1_000);
    expect(elapsed).toBe(false);
    expect(calls).toEqual(['release']);
  });

  it('settles innermost first, once, and survives a throwing permit', () => {
    const order: string[] = [];
    const a: Permit = { ...recorder().permit, success: () => void order.push('outer') };
    const b: Permit = { ...recorder().permit, success: () => { order.push('inner'); throw new Error('x'); } };
    const ticket = new Ticket(input, [a, b], {}, outcomeSchema.parse({}), undefined);
    ticket.finish(200);
    ticket.finish(500);
    expect(order).toEqual(['inner', 'outer']);
    expect(ticket.settled).toBe(true);
  });
});

describe('helpers', () => {
  it('merges httpapi list fields and replaces others', () => {
    expect(mergeFieldValue('ratelimit', '"a";r=1;t=1', '"b";r=2;t=2')).toBe('"a";r=1;t=1, "b";r=2;t=2');
    expect(mergeFieldValue('ratelimit', undefined, '"b";r=2;t=2')).toBe('"b";r=2;t=2');
    expect(mergeFieldValue('retry-after', '1', '2')).toBe('2');
  });

  it('serialises bodies', () => {
    expect(serializeBody({ status: 200, headers: {}, body: 'hi' })).toEqual({ payload: 'hi', contentType: 'text/plain; charset=utf-8' });
    expect(serializeBody({ status: 200, headers: {}, body: { a: 1 } })).toEqual({ payload: '{"a":1}', contentType: 'application/json; charset=utf-8' });
    expect(serializeBody({ status: 429, headers: { 'content-type': 'application/problem+json' }, body: {} }).contentType).toBe('application/problem+json');
  });

  it('splits adapter options from policy options', () => {
    const clock = new ManualClock(0);
    const [policy, http] = splitHttpOptions({ name: 'x', maxConcurrent: 1, clock, instances: 2, headers: { legacy: true } });
    expect(policy).toEqual({ name: 'x', maxConcurrent: 1, clock });
    expect(http).toEqual({ clock, instances: 2, headers: { legacy: true } });
  });
});

describe('last-good fallback bounds', () => {
  it('keeps at most maxEntries responses, evicting the least recently stored', async () => {
    const clock = new ManualClock(0);
    const http = httpSetup('t', { clock, logger: { warn: () => undefined } });
    const guards = http.pipeline({ circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 }, recoveryTimeout: '1h' }, fallback: { lastGood: { maxEntries: 2 } } });
    const at = (path: string): RequestInfo => ({ ip: '1.1.1.1', method: 'GET', path, header: () => undefined });
    for (const path of ['/a', '/b', '/c']) {
      const r = await guards.admit(at(path));
      if (r.admitted) {
        r.ticket.remember({ status: 200, headers: {}, body: path });
        r.ticket.finish(200);
      }
    }
    const trip = await guards.admit(at('/x'));
    if (trip.admitted) trip.ticket.finish(500);
    expect(await guards.admit(at('/a'))).toMatchObject({ admitted: false, response: { status: 503 } });
    expect(await guards.admit(at('/c'))).toMatchObject({ admitted: false, response: { status: 200, body: '/c' } });
  });
});

describe('breakerHealth', () => {
  it('reports every breaker, one by name, and 503 when a critical one is open', async () => {
    const { Registry, breakerHealth, circuitBreaker } = await import('../src/index.js');
    const registry = new Registry();
    const payments = registry.register(circuitBreaker({ name: 'payments', trip: { consecutiveFailures: 1 } }));
    registry.register(circuitBreaker({ name: 'search' }));
    expect(breakerHealth(registry)).toMatchObject({ status: 200, body: { status: 'healthy', criticalOpen: [] } });
    const permit = await payments.acquire();
    if (permit.admitted) permit.failure(new Error('x'));
    expect(breakerHealth(registry)).toMatchObject({ status: 200, body: { status: 'degraded' } });
    expect(breakerHealth(registry, undefined, { critical: ['payments'] })).toMatchObject({ status: 503, body: { status: 'unhealthy', criticalOpen: ['payments'] } });
    expect(breakerHealth(registry, 'search')).toMatchObject({ status: 200, body: { breaker: { name: 'search', state: 'closed' } } });
    expect(breakerHealth(registry, 'nope').status).toBe(404);
  });
});
