import { describe, expectTypeOf, it } from 'vitest';
import { httpSetup, type GuardPipeline, type GuardResult, type HttpInput, type HttpResponse, type RequestInfo, type RouteGuards, type Ticket } from '../src/index.js';

describe('http types', () => {
  it('admits to a response or a ticket', () => {
    const guards = httpSetup('t', {}).pipeline({});
    expectTypeOf(guards).toEqualTypeOf<GuardPipeline>();
    expectTypeOf(guards.admit).parameters.toEqualTypeOf<[RequestInfo, ((response: HttpResponse) => void)?]>();
    expectTypeOf<Extract<GuardResult, { admitted: true }>['ticket']>().toEqualTypeOf<Ticket>();
    expectTypeOf<Extract<GuardResult, { admitted: false }>['response']>().toEqualTypeOf<HttpResponse>();
  });

  it('types route guards and their key functions', () => {
    const route: RouteGuards = {
      rateLimit: { name: 'a', limits: [{ capacity: 1, refillRate: 1, key: (input) => { expectTypeOf(input).toEqualTypeOf<HttpInput>(); return input.client; } }] },
      fallback: ({ request }) => ({ status: 200, headers: {}, body: request.path }),
    };
    expectTypeOf(route).toExtend<RouteGuards>();
    // @ts-expect-error a bulkhead needs maxConcurrent
    const bad: RouteGuards = { bulkhead: { name: 'x' } };
    void bad;
  });

  it('rejects unknown header standards', () => {
    // @ts-expect-error not a draft
    httpSetup('t', { headers: { standard: 'draft-1' } });
  });
});
