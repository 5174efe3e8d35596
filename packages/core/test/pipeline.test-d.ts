import { describe, expectTypeOf, it } from 'vitest';
import {
  bulkhead,
  circuitBreaker,
  fallback,
  fallbackChain,
  pipeline,
  retry,
  timeout,
  type ExecuteOptions,
  type ExecutionContext,
  type Pipeline,
  type PipelineContext,
  type PipelineFallback,
  type PipelineOptions,
  type PolicyContext,
  type PolicyFallback,
  type PolicyRequiresOptions,
  type RetryContext,
} from '../src/index.js';

/** A keyed policy whose options are required, like a rate limit keyed by client. */
declare class KeyedLimit {
  execute<T>(fn: (context: ExecutionContext) => T | PromiseLike<T>, options: ExecuteOptions & { readonly key: string }): Promise<T>;
}
/** A policy whose options are optional and carry a field of their own. */
declare class Weighted {
  execute<T>(fn: (context: ExecutionContext) => T | PromiseLike<T>, options?: ExecuteOptions & { readonly cost?: number }): Promise<T>;
}

const breaker = circuitBreaker({ name: 'db' });
const breakerWithFallback = circuitBreaker({ name: 'db', fallback: () => 'cached' as const });

describe('pipeline()', () => {
  it('returns a Pipeline of the policies, in order', () => {
    const p = pipeline(retry(), breaker, timeout({ duration: 1 }));
    expectTypeOf(p).toExtend<Pipeline<readonly [ReturnType<typeof retry>, typeof breaker, ReturnType<typeof timeout>]>>();
    expectTypeOf(p.policies[1]).toEqualTypeOf<typeof breaker>();
  });

  it('types the result as the function’s, plus any fallback a policy may answer with', () => {
    expectTypeOf(pipeline(retry(), breaker, timeout({ duration: 1 })).execute(() => 42)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pipeline(breakerWithFallback, timeout({ duration: 1 })).execute(async () => 42)).toEqualTypeOf<Promise<number | 'cached'>>();
    expectTypeOf(pipeline(fallback({ value: null }), retry(), breakerWithFallback).execute(() => 'live' as const)).toEqualTypeOf<
      Promise<'live' | null | 'cached'>
    >();
    const chain = fallbackChain({ tiers: [{ name: 'a', value: 0 }, { name: 'b', run: async () => [] as string[] }] });
    expectTypeOf(pipeline(chain, bulkhead({ name: 'db', maxConcurrent: 1 })).execute(() => true)).toEqualTypeOf<Promise<boolean | number | string[]>>();
  });

  it('a nested pipeline adds its fallback types', () => {
    const inner = pipeline(breakerWithFallback);
    expectTypeOf(pipeline(retry(), inner).execute(() => 1)).toEqualTypeOf<Promise<number | 'cached'>>();
    expectTypeOf<PolicyFallback<typeof inner>>().toEqualTypeOf<'cached'>();
  });

  it('merges the contexts: a retry adds attempt', () => {
    pipeline(retry(), breaker, timeout({ duration: 1 })).execute((context) => {
      expectTypeOf(context.attempt).toBeNumber();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(context).toExtend<RetryContext>();
    });
    pipeline(breaker, timeout({ duration: 1 })).execute((context) => {
      expectTypeOf(context).toExtend<ExecutionContext>();
      // @ts-expect-error no retry in this pipeline
      void context.attempt;
    });
    expectTypeOf<PolicyContext<ReturnType<typeof retry>>>().toEqualTypeOf<RetryContext>();
    expectTypeOf<PipelineContext<[ReturnType<typeof retry>, typeof breaker]>>().toExtend<RetryContext>();
  });

  it('merges the options: every policy’s fields, required when one policy requires its own', () => {
    const keyed = pipeline(new KeyedLimit(), retry(), breaker);
    keyed.execute(() => 1, { key: 'client-42' });
    keyed.execute(() => 1, { key: 'client-42', signal: new AbortController().signal });
    // @ts-expect-error the keyed policy requires its options
    keyed.execute(() => 1);
    // @ts-expect-error key must be a string
    keyed.execute(() => 1, { key: 42 });
    const weighted = pipeline(new Weighted(), breaker);
    weighted.execute(() => 1);
    weighted.execute(() => 1, { cost: 3 });
    expectTypeOf<PolicyRequiresOptions<KeyedLimit>>().toEqualTypeOf<true>();
    expectTypeOf<PolicyRequiresOptions<typeof breaker>>().toEqualTypeOf<false>();
    expectTypeOf<PipelineOptions<[KeyedLimit, Weighted]>>().toExtend<{ readonly key: string; readonly cost?: number }>();
  });

  it('fallback types of plain policies are never', () => {
    expectTypeOf<PipelineFallback<[ReturnType<typeof retry>, ReturnType<typeof timeout>]>>().toBeNever();
    expectTypeOf<PolicyFallback<typeof breakerWithFallback>>().toEqualTypeOf<'cached'>();
  });

  it('refuses what has no execute()', () => {
    // @ts-expect-error not a policy
    pipeline({ run: () => 1 });
  });
});
