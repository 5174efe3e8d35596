import { describe, expectTypeOf, it } from 'vitest';
import * as promClient from 'prom-client';
import { Registry as PromClientRegistry } from 'prom-client';
import { HandlerFailedError, headerReader, headerValue, httpSetup, noteCount, pathWithoutQuery, prometheusMetrics, Registry, Warnings, type AdapterTraits, type WarningsOptions, type MetricsOptions, type PrometheusMetrics, type GuardPipeline, type GuardResult, type HttpInput, type HttpResponse, type RequestInfo, type RouteGuards, type Ticket } from '../src/index.js';

describe('http types', () => {
  it('types the header readers and the double-count check', () => {
    expectTypeOf(headerValue).returns.toEqualTypeOf<string | undefined>();
    expectTypeOf(headerReader({})).toMatchTypeOf<RequestInfo['header']>();
    expectTypeOf(pathWithoutQuery).toEqualTypeOf<(url: string) => string>();
    expectTypeOf(noteCount).parameters.toEqualTypeOf<[Warnings, object | undefined, string, string]>();
  });

  it('takes adapter traits, and warnings that may skip the double-count check', () => {
    expectTypeOf(httpSetup).parameter(2).toEqualTypeOf<AdapterTraits | undefined>();
    expectTypeOf<AdapterTraits>().toEqualTypeOf<{ readonly onePipelinePerRequest?: boolean }>();
    expectTypeOf<WarningsOptions>().toEqualTypeOf<{ readonly watchDoubleCounts?: boolean }>();
    expectTypeOf(new Warnings(undefined, { watchDoubleCounts: false }).watchesDoubleCounts).toEqualTypeOf<boolean>();
    // @ts-expect-error an unknown trait
    httpSetup('t', {}, { onePipeline: true });
  });


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
      fallbackOnFailure: true,
    };
    const declining: RouteGuards = { fallback: async ({ error }) => (error instanceof HandlerFailedError ? undefined : { status: 200, headers: {}, body: error }) };
    expectTypeOf(declining.fallbackOnFailure).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(new HandlerFailedError(500).status).toEqualTypeOf<number>();
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

describe('prometheusMetrics', () => {
  it('takes prom-client registries and the module as they are', () => {
    const registry = new Registry();
    expectTypeOf(prometheusMetrics).parameter(0).toEqualTypeOf<MetricsOptions>();
    expectTypeOf(prometheusMetrics({ registry, promRegistry: new PromClientRegistry(), client: promClient, prefix: 'app_', durationBuckets: [0.1, 1] })).toEqualTypeOf<PrometheusMetrics>();
    expectTypeOf(prometheusMetrics({ registry, promRegistry: promClient.register })).toHaveProperty('scrape').returns.resolves.toEqualTypeOf<HttpResponse>();
    // @ts-expect-error: the Breakwater registry is required
    prometheusMetrics({ promRegistry: new PromClientRegistry() });
    // @ts-expect-error: not a prom-client registry
    prometheusMetrics({ registry, promRegistry: { metrics: () => 'text' } });
  });
});
