import type { Registry, RouteGuards } from '@breakwater/core';
import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { breakwater, type BreakwaterDecorator, type BreakwaterFastifyOptions } from '../src/index.js';

describe('fastify augmentation and options', () => {
  it('types route config.breakwater as guards or false', () => {
    const app = Fastify();
    app.get('/a', { config: { breakwater: { circuitBreaker: { name: 'cb' } } } }, async () => 'a');
    app.get('/b', { config: { breakwater: false } }, async () => 'b');
    app.get('/c', { config: { breakwater: { circuitBreaker: { name: 'cb' }, fallback: { lastGood: {} }, fallbackOnFailure: false } } }, async () => 'c');
    // @ts-expect-error fallbackOnFailure is a boolean
    app.get('/e', { config: { breakwater: { fallback: { body: 'x' }, fallbackOnFailure: 1 } } }, async () => 'e');
    // @ts-expect-error bulkhead options need maxConcurrent
    app.get('/d', { config: { breakwater: { bulkhead: { name: 'x' } } } }, async () => 'd');
    app.get('/e', async (request) => {
      expectTypeOf(request.routeOptions.config.breakwater).toEqualTypeOf<RouteGuards | false | undefined>();
      return 'e';
    });
  });

  it('decorates the instance with the registry', () => {
    const app = Fastify();
    expectTypeOf(app.breakwater).toEqualTypeOf<BreakwaterDecorator>();
    expectTypeOf(app.breakwater.registry).toEqualTypeOf<Registry>();
  });

  it('types plugin options', async () => {
    const app = Fastify();
    await app.register(breakwater, { global: { timeout: { duration: '1s' } }, routes: [{ path: '/x/*', quota: { name: 'q', limits: { day: 1 } } }] });
    expectTypeOf<BreakwaterFastifyOptions['instances']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error routes need a path
    await app.register(breakwater, { routes: [{ timeout: { duration: '1s' } }] });
  });
});
