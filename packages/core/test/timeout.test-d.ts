import { describe, expectTypeOf, it } from 'vitest';
import {
  timeout,
  type Disposable,
  type ExecuteOptions,
  type ExecutionContext,
  type ObservablePolicy,
  type ResolvedTimeoutOptions,
  type Timeout,
  type TimeoutElapsed,
  type TimeoutOptions,
  type TimeoutSnapshot,
  type TimeoutStrategy,
} from '../src/index.js';

declare const policy: Timeout;

describe('timeout()', () => {
  it('returns a Timeout, an observable policy', () => {
    expectTypeOf(timeout({ duration: '1s' })).toEqualTypeOf<Timeout>();
    expectTypeOf(policy).toExtend<ObservablePolicy<TimeoutSnapshot>>();
    expectTypeOf(policy.kind).toEqualTypeOf<'timeout'>();
    expectTypeOf(policy.options).toEqualTypeOf<ResolvedTimeoutOptions>();
    expectTypeOf(policy.options.duration).toBeNumber();
    expectTypeOf(policy.options.strategy).toEqualTypeOf<TimeoutStrategy>();
  });

  it('requires a duration and accepts only the two strategies', () => {
    expectTypeOf<TimeoutOptions>().toHaveProperty('duration');
    expectTypeOf<TimeoutStrategy>().toEqualTypeOf<'aggressive' | 'cooperative'>();
    // @ts-expect-error duration is required
    timeout({});
    // @ts-expect-error not a strategy
    timeout({ duration: 1, strategy: 'eager' });
    // @ts-expect-error not a duration
    timeout({ duration: '5 minutes' });
  });

  it('execute() keeps the function’s result type and hands it an ExecutionContext', () => {
    expectTypeOf(policy.execute(() => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(policy.execute(async () => 'x')).toEqualTypeOf<Promise<string>>();
    policy.execute((context) => {
      expectTypeOf(context).toEqualTypeOf<ExecutionContext>();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      return null;
    });
    expectTypeOf(policy.execute).parameter(1).toEqualTypeOf<ExecuteOptions | undefined>();
  });

  it('onTimeout() subscribes with a typed event and returns a Disposable', () => {
    expectTypeOf(policy.onTimeout((event) => expectTypeOf(event).toEqualTypeOf<TimeoutElapsed>())).toEqualTypeOf<Disposable>();
    expectTypeOf<TimeoutElapsed>().toEqualTypeOf<{ readonly policy: string; readonly timeoutMs: number }>();
    expectTypeOf(policy.snapshot()).toEqualTypeOf<TimeoutSnapshot>();
    expectTypeOf<TimeoutSnapshot['kind']>().toEqualTypeOf<'timeout'>();
  });
});
