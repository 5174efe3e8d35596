import type { MetricsOptions, PromRegistry } from '@breakwater/core';
import { Registry } from '@breakwater/core';
import type { RequestHandler } from 'express';
import * as promClient from 'prom-client';
import { describe, expectTypeOf, it } from 'vitest';
import { metrics, type MetricsRouteOptions } from '../src/index.js';

describe('express metrics() types', () => {
  it('takes the collector options and a path, and returns a middleware', () => {
    const registry = new Registry();
    expectTypeOf(metrics({ registry })).toEqualTypeOf<RequestHandler>();
    expectTypeOf(metrics({ registry, promRegistry: new promClient.Registry(), client: promClient, prefix: 'app_', durationBuckets: [0.1, 1], path: '/internal/metrics' })).toEqualTypeOf<RequestHandler>();
    expectTypeOf<MetricsRouteOptions>().toExtend<MetricsOptions>();
    expectTypeOf<MetricsRouteOptions['path']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<MetricsRouteOptions['promRegistry']>>().toEqualTypeOf<PromRegistry>();
  });

  it('rejects missing or mistyped options', () => {
    // @ts-expect-error the Breakwater registry is required
    metrics({ path: '/metrics' });
    // @ts-expect-error buckets are numbers
    metrics({ registry: new Registry(), durationBuckets: ['0.1'] });
    // @ts-expect-error not a prom-client registry
    metrics({ registry: new Registry(), promRegistry: {} });
  });
});
