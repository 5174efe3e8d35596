import { Registry } from '@breakwater/core';
import type { RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { dashboard, type DashboardOptions } from '../src/index.js';

describe('express dashboard types', () => {
  it('returns a request handler and needs a registry', () => {
    expectTypeOf(dashboard({ registry: new Registry(), interval: '2s', quotaKeys: ['key:a'] })).toEqualTypeOf<RequestHandler>();
    expectTypeOf<DashboardOptions['quotaKeys']>().toEqualTypeOf<readonly string[] | ((quota: string) => readonly string[]) | undefined>();
    // @ts-expect-error the registry is required
    dashboard({});
  });
});
