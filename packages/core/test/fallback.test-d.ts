import { describe, expectTypeOf, it } from 'vitest';
import {
  fallback,
  fallbackChain,
  type AllFallbacksFailedError,
  type Disposable,
  type ExecutionContext,
  type FallbackChain,
  type FallbackFailure,
  type FallbackServed,
} from '../src/index.js';

interface Price {
  readonly sku: string;
  readonly cents: number;
}
declare function fetchPrices(): Promise<Price[]>;

describe('fallback()', () => {
  it('infers the fallback type from the value or the function', () => {
    expectTypeOf(fallback({ value: 'cached' })).toEqualTypeOf<FallbackChain<string>>();
    expectTypeOf(fallback({ value: [] as Price[] })).toEqualTypeOf<FallbackChain<Price[]>>();
    expectTypeOf(fallback({ run: async () => 0 })).toEqualTypeOf<FallbackChain<number>>();
    fallback({
      run: (error, context) => {
        expectTypeOf(error).toBeUnknown();
        expectTypeOf(context).toEqualTypeOf<ExecutionContext>();
        return null;
      },
    });
  });

  it('takes a value or a run function, not both and not neither', () => {
    // @ts-expect-error both
    fallback({ value: 1, run: () => 2 });
    // @ts-expect-error neither
    fallback({ name: 'x' });
  });

  it('execute() answers the function’s result or the fallback’s', () => {
    expectTypeOf(fallback({ value: 'cached' }).execute(() => 1)).toEqualTypeOf<Promise<number | string>>();
    expectTypeOf(fallback({ value: [] as Price[] }).execute(fetchPrices)).toEqualTypeOf<Promise<Price[]>>();
  });
});

describe('fallbackChain()', () => {
  it('the fallback type is the union of every tier’s', () => {
    const chain = fallbackChain({
      tiers: [
        { name: 'secondary', run: fetchPrices },
        { name: 'cache', when: (error) => error instanceof Error, run: () => [] as Price[] },
        { name: 'static', value: 'unavailable' as const },
      ],
    });
    expectTypeOf(chain).toEqualTypeOf<FallbackChain<Price[] | 'unavailable'>>();
    expectTypeOf(chain.execute(fetchPrices)).toEqualTypeOf<Promise<Price[] | 'unavailable'>>();
  });

  it('errors and events are typed', () => {
    expectTypeOf<AllFallbacksFailedError['failures']>().toEqualTypeOf<readonly FallbackFailure[]>();
    expectTypeOf<FallbackFailure>().toEqualTypeOf<{ readonly tier: string; readonly error: unknown }>();
    const chain = fallbackChain({ tiers: [{ name: 'a', value: 1 }] });
    expectTypeOf(chain.onFallback((event) => expectTypeOf(event).toEqualTypeOf<FallbackServed>())).toEqualTypeOf<Disposable>();
  });
});
