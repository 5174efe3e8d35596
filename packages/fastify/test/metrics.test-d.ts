import { Registry, type MetricsOptions } from '@breakwater/core';
import Fastify, { type RouteHandlerMethod } from 'fastify';
import * as promClient from 'prom-client';
import { describe, expectTypeOf, it } from 'vitest';
import { metrics, type MetricsRouteOptions } from '../src/index.js';

describe('fastify metrics() types', () => {
  it('takes the collector options and returns a route handler', () => {
    const app = Fastify();
    const handler = metrics({ registry: app.breakwater.registry, promRegistry: new promClient.Registry(), client: promClient, prefix: 'app_', durationBuckets: [0.1, 1] });
    expectTypeOf(handler).toEqualTypeOf<RouteHandlerMethod>();
    app.get('/metrics', { config: { breakwater: false } }, handler);
    expectTypeOf<MetricsRouteOptions>().toEqualTypeOf<MetricsOptions>();
  });

  it('rejects missing or mistyped options', () => {
    // @ts-expect-error the Breakwater registry is required
    metrics({});
    // @ts-expect-error the prefix is a string
    metrics({ registry: new Registry(), prefix: 1 });
  });
});
