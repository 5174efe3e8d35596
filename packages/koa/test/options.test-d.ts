import type { Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import { bulkhead, circuitBreaker, quota, rateLimit, resilience, timeout, type HttpInput } from '../src/index.js';

describe('koa option types', () => {
  it('returns Koa middleware', () => {
    expectTypeOf(rateLimit({ name: 'a', limits: [{ capacity: 1, refillRate: 1 }] })).toEqualTypeOf<Middleware>();
    expectTypeOf(resilience({ routes: [{ path: '/x/*', timeout: { duration: '1s' } }] })).toEqualTypeOf<Middleware>();
  });

  it('types key functions with the HTTP input', () => {
    rateLimit({ name: 'a', limits: [{ capacity: 1, refillRate: 1, key: (input) => { expectTypeOf(input).toEqualTypeOf<HttpInput>(); return input.client; } }] });
    quota({ name: 'q', limits: { day: 1 }, key: (input) => input.header('x-api-key') ?? input.client });
  });

  it('types fallbackOnFailure as a boolean beside the fallback', () => {
    bulkhead({ name: 'b', maxConcurrent: 1, fallback: () => undefined, fallbackOnFailure: false });
    // @ts-expect-error fallbackOnFailure is a boolean
    resilience({ routes: [{ path: '/a', fallback: { body: 'x' }, fallbackOnFailure: 'no' }] });
  });

  it('rejects missing options', () => {
    // @ts-expect-error maxConcurrent is required
    bulkhead({ name: 'b' });
    // @ts-expect-error duration is required
    timeout({});
    // @ts-expect-error headers.standard is one of the drafts or false
    circuitBreaker({ name: 'c', headers: { standard: 'draft-1' } });
  });
});
