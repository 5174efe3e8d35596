import { describe, expectTypeOf, it } from 'vitest';
import { Dashboard, type DashboardFrame, type DashboardOptions, type DashboardRoute, Registry, type TimelineEntry } from '../src/index.js';

describe('dashboard types', () => {
  it('types the routes, the stream and the frames', () => {
    const board = new Dashboard({ registry: new Registry(), interval: '1s', storeFailureWindow: 2000 });
    expectTypeOf(board.route('GET', '/dashboard')).toEqualTypeOf<DashboardRoute | undefined>();
    expectTypeOf(board.connect).parameter(0).toEqualTypeOf<(chunk: string) => void>();
    expectTypeOf(board.connect(() => undefined)).toEqualTypeOf<() => void>();
    expectTypeOf(board.frame()).toEqualTypeOf<Promise<DashboardFrame>>();
    expectTypeOf<DashboardFrame['breakers'][number]['timeline']>().toEqualTypeOf<readonly TimelineEntry[]>();
    expectTypeOf<DashboardFrame['stores'][number]['status']>().toEqualTypeOf<'ok' | 'failing'>();
    expectTypeOf<DashboardOptions['registry']>().toEqualTypeOf<Registry>();
    // @ts-expect-error a duration, not a boolean
    void new Dashboard({ registry: new Registry(), interval: true });
  });
});
