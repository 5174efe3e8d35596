import { Registry, type MetricsOptions } from '@breakwater/core';
import Koa, { type Middleware } from 'koa';
import { Registry as PromRegistry } from 'prom-client';
import { describe, expectTypeOf, it } from 'vitest';
import { metrics, type MetricsRouteOptions } from '../src/index.js';

describe('koa metrics() types', () => {
  it('is a middleware taking the collector options plus a path', () => {
    const app = new Koa();
    const middleware = metrics({ registry: new Registry(), promRegistry: new PromRegistry(), path: '/internal/metrics' });
    expectTypeOf(middleware).toEqualTypeOf<Middleware>();
    app.use(middleware);
    expectTypeOf<Omit<MetricsRouteOptions, 'path'>>().toEqualTypeOf<Omit<MetricsOptions, never>>();
    expectTypeOf<MetricsRouteOptions>().toHaveProperty('path').toEqualTypeOf<string | undefined>();
  });

  it('rejects mistyped options', () => {
    // @ts-expect-error the path is a string
    metrics({ registry: new Registry(), path: 1 });
    // @ts-expect-error the prom-client module must be an object with its metric classes
    metrics({ registry: new Registry(), client: 'prom-client' });
    // @ts-expect-error unknown option
    metrics({ registry: new Registry(), buckets: [1] });
  });
});
