import type { RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { bulkhead, circuitBreaker, quota, rateLimit, resilience, timeout, type HttpInput } from '../src/index.js';

describe('express option types', () => {
  it('returns request handlers', () => {
    expectTypeOf(rateLimit({ name: 'a', limits: [{ capacity: 1, refillRate: 1 }] })).toEqualTypeOf<RequestHandler>();
    expectTypeOf(resilience({ routes: [] })).toEqualTypeOf<RequestHandler>();
  });

  it('types key functions with the HTTP input', () => {
    rateLimit({ name: 'a', limits: [{ capacity: 1, refillRate: 1, key: (input) => { expectTypeOf(input).toEqualTypeOf<HttpInput>(); return input.client; } }] });
    quota({ name: 'q', limits: { day: 1 }, key: (input) => input.header('x-api-key') ?? input.client });
  });

  it('takes a fallback for refusals and, unless fallbackOnFailure is false, for handler failures', () => {
    circuitBreaker({ name: 'c', fallback: { lastGood: { maxAgeMs: 60_000 } } });
    circuitBreaker({ name: 'c', fallback: { status: 200, body: 'x' }, fallbackOnFailure: false });
    resilience({ routes: [{ path: '/a', circuitBreaker: { name: 'x' }, fallback: ({ error }) => (error instanceof Error ? undefined : { status: 200, headers: {}, body: 'x' }), fallbackOnFailure: true }] });
    // @ts-expect-error fallbackOnFailure is a boolean
    circuitBreaker({ name: 'c', fallback: { body: 'x' }, fallbackOnFailure: 'yes' });
  });

  it('rejects unknown or missing options', () => {
    // @ts-expect-error maxConcurrent is required
    bulkhead({ name: 'b' });
    // @ts-expect-error duration is required
    timeout({});
    // @ts-expect-error statuses take numbers
    circuitBreaker({ name: 'c', statuses: { circuitOpen: '503' } });
    // @ts-expect-error a route needs a path
    resilience({ routes: [{ circuitBreaker: { name: 'x' } }] });
  });
});
