import { Registry } from '@breakwater/core';
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { dashboard, type FastifyDashboardOptions } from '../src/index.js';

describe('fastify dashboard types', () => {
  it('returns a plugin; the registry is optional', () => {
    expectTypeOf(dashboard()).toEqualTypeOf<FastifyPluginAsync>();
    expectTypeOf(dashboard({ registry: new Registry(), interval: 500 })).toEqualTypeOf<FastifyPluginAsync>();
    expectTypeOf<FastifyDashboardOptions['registry']>().toEqualTypeOf<Registry | undefined>();
    void Fastify().register(dashboard({ path: '/ops' }));
    // @ts-expect-error the interval is a duration
    dashboard({ interval: true });
  });
});
