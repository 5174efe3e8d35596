import { describe, expect, it } from 'vitest';
import { Retry, retry, retryAfterOf, retryBudget, retryUnlessCircuitOpen, systemClock, type RetryOptions } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
// Not public: the single homes of the defaults, which the resolved options must mirror.
import { retryDefaults } from '../src/retry/options-schema.js';
import { retryBudgetDefaults } from '../src/retry/budget-options.js';
import { configErrorFrom, isDeepFrozen, itRejectsInvalidOptions, type InvalidCase } from './config-support.js';

const raw = (options: Record<string, unknown>): RetryOptions => options as unknown as RetryOptions;
const B = 'retry.backoff';

const invalidCases: Record<string, InvalidCase> = {
  'maxAttempts 0': { options: raw({ maxAttempts: 0 }), path: 'retry.maxAttempts', received: 0, shown: '0', hint: '>= 1' },
  'maxAttempts 2.5': { options: raw({ maxAttempts: 2.5 }), path: 'retry.maxAttempts', received: 2.5, shown: '2.5', hint: 'integer' },
  'maxAttempts 1001': { options: raw({ maxAttempts: 1_001 }), path: 'retry.maxAttempts', received: 1_001, shown: '1001', hint: '<= 1000' },
  "maxAttempts '3'": { options: raw({ maxAttempts: '3' }), path: 'retry.maxAttempts', received: '3', shown: '"3"' },
  'maxAttempts Infinity': { options: raw({ maxAttempts: Number.POSITIVE_INFINITY }), path: 'retry.maxAttempts', received: Number.POSITIVE_INFINITY, shown: 'Infinity' },
  "backoff type 'fibonacci'": { options: raw({ backoff: { type: 'fibonacci' } }), path: `${B}.type`, received: 'fibonacci', shown: '"fibonacci"', hint: '"exponential"' },
  'negative initialDelay': { options: raw({ backoff: { initialDelay: -1 } }), path: `${B}.initialDelay`, received: -1, shown: '-1' },
  "initialDelay 'fast'": { options: raw({ backoff: { initialDelay: 'fast' } }), path: `${B}.initialDelay`, received: 'fast', shown: '"fast"' },
  'maxDelay below initialDelay': { options: raw({ backoff: { initialDelay: '2s', maxDelay: '1s' } }), path: `${B}.maxDelay`, received: '1s', shown: '"1s"', hint: 'initialDelay (2000 ms)' },
  'maxDelay below the default initialDelay': { options: raw({ backoff: { maxDelay: 50 } }), path: `${B}.maxDelay`, received: 50, shown: '50', hint: '100 ms' },
  'multiplier 0.5': { options: raw({ backoff: { multiplier: 0.5 } }), path: `${B}.multiplier`, received: 0.5, shown: '0.5', hint: '>= 1' },
  'multiplier NaN': { options: raw({ backoff: { multiplier: Number.NaN } }), path: `${B}.multiplier`, received: Number.NaN, shown: 'NaN' },
  "jitter 'random'": { options: raw({ backoff: { jitter: 'random' } }), path: `${B}.jitter`, received: 'random', shown: '"random"', hint: '"decorrelated"' },
  'jitter true': { options: raw({ backoff: { jitter: true } }), path: `${B}.jitter`, received: true, shown: 'true' },
  'decorrelated jitter with linear backoff': {
    options: raw({ backoff: { type: 'linear', jitter: 'decorrelated' } }),
    path: `${B}.jitter`,
    received: 'decorrelated',
    shown: '"decorrelated"',
    hint: 'type "exponential"',
  },
  'decorrelated jitter from 0': { options: raw({ backoff: { initialDelay: 0, jitter: 'decorrelated' } }), path: `${B}.initialDelay`, received: 0, shown: '0', hint: '> 0' },
  'unknown backoff key': { options: raw({ backoff: { factor: 2 } }), path: B, received: { factor: 2 }, shown: '{"factor":2}', hint: 'unknown option factor' },
  'retryIf not a function': { options: raw({ retryIf: 'ECONNRESET' }), path: 'retry.retryIf', received: 'ECONNRESET', shown: '"ECONNRESET"', hint: 'function' },
  'retryIfResult not a function': { options: raw({ retryIfResult: 503 }), path: 'retry.retryIfResult', received: 503, shown: '503' },
  'retryAfter true': { options: raw({ retryAfter: true }), path: 'retry.retryAfter', received: true, shown: 'true', hint: 'false or { max, read }' },
  "retryAfter.max 'forever'": { options: raw({ retryAfter: { max: 'forever' } }), path: 'retry.retryAfter', received: { max: 'forever' }, shown: '{"max":"forever"}' },
  "budget 'ten percent'": { options: raw({ budget: 'ten percent' }), path: 'retry.budget', received: 'ten percent', shown: '"ten percent"', hint: 'RetryBudget' },
  'budget ratio -0.1': { options: raw({ budget: { ratio: -0.1 } }), path: 'retry.budget.ratio', received: -0.1, shown: '-0.1', hint: '>= 0' },
  'budget allowing nothing': {
    options: raw({ budget: { ratio: 0, minRetriesPerSecond: 0 } }),
    path: 'retry.budget.ratio',
    received: 0,
    shown: '0',
    hint: 'maxAttempts: 1',
  },
  'random not a function': { options: raw({ random: 0.5 }), path: 'retry.random', received: 0.5, shown: '0.5', hint: 'function' },
  'empty name': { options: raw({ name: '' }), path: 'retry.name', received: '', shown: '""' },
  'unknown option (cockatiel’s maxRetries)': { options: raw({ maxRetries: 3 }), path: 'retry', received: { maxRetries: 3 }, shown: '{"maxRetries":3}', hint: 'unknown option maxRetries' },
};

const budgetCases: Record<string, InvalidCase> = {
  'ratio -1': { options: { ratio: -1 }, path: 'retryBudget.ratio', received: -1, shown: '-1', hint: '>= 0' },
  "ratio '10%'": { options: { ratio: '10%' }, path: 'retryBudget.ratio', received: '10%', shown: '"10%"' },
  'ratio Infinity': { options: { ratio: Number.POSITIVE_INFINITY }, path: 'retryBudget.ratio', received: Number.POSITIVE_INFINITY, shown: 'Infinity', hint: 'finite' },
  'minRetriesPerSecond -1': { options: { minRetriesPerSecond: -1 }, path: 'retryBudget.minRetriesPerSecond', received: -1, shown: '-1' },
  'window 0': { options: { window: 0 }, path: 'retryBudget.window', received: 0, shown: '0', hint: '> 0' },
  'both allowances zero': { options: { ratio: 0, minRetriesPerSecond: 0 }, path: 'retryBudget.ratio', received: 0, shown: '0', hint: 'allows no retry' },
  'unknown option': { options: { percent: 20 }, path: 'retryBudget', received: { percent: 20 }, shown: '{"percent":20}', hint: 'unknown option percent' },
};

describe('retry(): invalid options throw ConfigError', () => {
  itRejectsInvalidOptions((options: RetryOptions) => retry(options), invalidCases);

  it('new Retry() validates the same way', () => {
    const error = configErrorFrom(() => new Retry(raw({ maxAttempts: 0 })));
    expect(error.issues).toEqual([{ path: 'retry.maxAttempts', message: 'expected an integer >= 1', received: 0 }]);
  });
});

describe('retryBudget(): invalid options throw ConfigError', () => {
  itRejectsInvalidOptions((options: Parameters<typeof retryBudget>[0]) => retryBudget(options), budgetCases);
});

describe('retry(): resolved options', () => {
  it('default to what options-schema.ts declares', () => {
    const policy = retry();
    expect(policy.options).toEqual({
      name: retryDefaults.name,
      maxAttempts: retryDefaults.maxAttempts,
      backoff: {
        type: retryDefaults.backoffType,
        initialDelay: retryDefaults.initialDelayMs,
        maxDelay: retryDefaults.maxDelayMs,
        multiplier: retryDefaults.multiplier,
        jitter: retryDefaults.jitter,
      },
      retryIf: retryUnlessCircuitOpen,
      retryAfter: { max: retryDefaults.maxRetryAfterMs, read: retryAfterOf },
      budget: { ratio: retryBudgetDefaults.ratio, minRetriesPerSecond: retryBudgetDefaults.minRetriesPerSecond, window: retryBudgetDefaults.windowMs },
      random: Math.random,
      clock: systemClock,
    });
    expect(retryDefaults).toEqual({
      name: 'retry',
      maxAttempts: 3,
      backoffType: 'exponential',
      initialDelayMs: 100,
      maxDelayMs: 30_000,
      multiplier: 2,
      jitter: 'full',
      maxRetryAfterMs: 60_000,
    });
    expect(retryBudgetDefaults).toEqual({ ratio: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 });
  });

  it('fill a partial backoff from the defaults and parse durations', () => {
    const policy = retry({ backoff: { type: 'linear', initialDelay: '1s', maxDelay: '1m' } });
    expect(policy.options.backoff).toEqual({ type: 'linear', initialDelay: 1_000, maxDelay: 60_000, multiplier: 2, jitter: 'full' });
    expect(retry({ retryAfter: {} }).options.retryAfter).toEqual({ max: 60_000, read: retryAfterOf });
    expect(retry({ retryAfter: false }).options.retryAfter).toBe(false);
  });

  it('zero is honoured: no delay, no ratio with a reserve', () => {
    const policy = retry({ backoff: { type: 'constant', initialDelay: 0, maxDelay: 0 }, budget: { ratio: 0 } });
    expect(policy.options.backoff).toMatchObject({ initialDelay: 0, maxDelay: 0 });
    expect(policy.budget?.options).toMatchObject({ ratio: 0, minRetriesPerSecond: 10 });
  });

  it('are frozen and keep functions, clocks and a shared budget by identity', () => {
    const clock = new ManualClock();
    const random = (): number => 0.5;
    const budget = retryBudget();
    const policy = retry({ clock, random, budget });
    expect(isDeepFrozen(policy.options)).toBe(true);
    expect(policy.options.clock).toBe(clock);
    expect(policy.options.random).toBe(random);
    expect(policy.budget).toBe(budget);
  });
});
