import { Registry } from '@breakwater/core';
import type { Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import { dashboard } from '../src/index.js';

describe('koa dashboard types', () => {
  it('returns middleware and needs a registry', () => {
    expectTypeOf(dashboard({ registry: new Registry(), path: '/ops' })).toEqualTypeOf<Middleware>();
    // @ts-expect-error the registry is required
    dashboard({ path: '/ops' });
  });
});
