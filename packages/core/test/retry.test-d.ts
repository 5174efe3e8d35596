import { describe, expectTypeOf, it } from 'vitest';
import {
  classifyHttpOutcome,
  isTransient,
  parseRetryAfter,
  retry,
  retryAfterOf,
  retryBudget,
  type Disposable,
  type HttpOutcomeClass,
  type ObservablePolicy,
  type ResolvedRetryOptions,
  type Retry,
  type RetryBudget,
  type RetryBudgetSnapshot,
  type RetryContext,
  type RetryExhaustedError,
  type RetryExhaustedReason,
  type RetryGaveUp,
  type RetryOptions,
  type RetryOutcome,
  type RetryScheduled,
  type RetrySnapshot,
} from '../src/index.js';

declare const policy: Retry;

describe('retry()', () => {
  it('returns a Retry, an observable policy; options are optional', () => {
    expectTypeOf(retry()).toEqualTypeOf<Retry>();
    expectTypeOf(retry({ maxAttempts: 5 })).toEqualTypeOf<Retry>();
    expectTypeOf(policy).toExtend<ObservablePolicy<RetrySnapshot>>();
    expectTypeOf(policy.kind).toEqualTypeOf<'retry'>();
    expectTypeOf(policy.options).toEqualTypeOf<ResolvedRetryOptions>();
    expectTypeOf(policy.budget).toEqualTypeOf<RetryBudget | undefined>();
  });

  it('accepts predicates, backoff, Retry-After and budget options', () => {
    retry({
      backoff: { type: 'linear', initialDelay: '1s', maxDelay: '10s', jitter: 'equal' },
      retryIf: (error, attempt) => {
        expectTypeOf(error).toBeUnknown();
        expectTypeOf(attempt).toBeNumber();
        return isTransient(error);
      },
      retryIfResult: (result) => isTransient(result),
      retryAfter: { max: '2m', read: (outcome, nowMs) => (outcome.ok ? parseRetryAfter('1', nowMs) : undefined) },
      budget: retryBudget({ ratio: 0.1 }),
      random: () => 0.5,
    });
    retry({ retryAfter: false, budget: false });
    retry({ budget: { ratio: 0.1, minRetriesPerSecond: 5, window: '30s' } });
    // @ts-expect-error not a jitter
    retry({ backoff: { jitter: 'random' } });
    // @ts-expect-error not a backoff type
    retry({ backoff: { type: 'fibonacci' } });
    // @ts-expect-error retryAfter is false or options, never true
    retry({ retryAfter: true });
    expectTypeOf<RetryOptions['maxAttempts']>().toEqualTypeOf<number | undefined>();
  });

  it('execute() keeps the result type and hands the function a RetryContext', () => {
    expectTypeOf(policy.execute(() => 1)).toEqualTypeOf<Promise<number>>();
    policy.execute((context) => {
      expectTypeOf(context).toEqualTypeOf<RetryContext>();
      expectTypeOf(context.attempt).toBeNumber();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
    });
  });

  it('events, snapshots and errors are typed', () => {
    expectTypeOf(policy.onRetry((event) => expectTypeOf(event).toEqualTypeOf<RetryScheduled>())).toEqualTypeOf<Disposable>();
    expectTypeOf(policy.onGiveUp((event) => expectTypeOf(event).toEqualTypeOf<RetryGaveUp>())).toEqualTypeOf<Disposable>();
    expectTypeOf<RetryScheduled['outcome']>().toEqualTypeOf<RetryOutcome>();
    expectTypeOf(policy.snapshot().budget).toEqualTypeOf<RetryBudgetSnapshot | null>();
    expectTypeOf<RetryExhaustedError['attempts']>().toBeNumber();
    expectTypeOf<RetryExhaustedError['lastError']>().toBeUnknown();
    expectTypeOf<RetryExhaustedError['reason']>().toEqualTypeOf<RetryExhaustedReason>();
    expectTypeOf<RetryExhaustedReason>().toEqualTypeOf<'max-attempts' | 'budget'>();
  });

  it('the HTTP helpers classify anything', () => {
    expectTypeOf(classifyHttpOutcome).parameter(0).toBeUnknown();
    expectTypeOf(classifyHttpOutcome(503)).toEqualTypeOf<HttpOutcomeClass>();
    expectTypeOf<HttpOutcomeClass>().toEqualTypeOf<'success' | 'transient' | 'permanent' | 'unknown'>();
    expectTypeOf(isTransient).returns.toBeBoolean();
    expectTypeOf(retryAfterOf({ ok: false, error: 1 }, 0)).toEqualTypeOf<number | undefined>();
    expectTypeOf(parseRetryAfter('1', 0)).toEqualTypeOf<number | undefined>();
  });
});
