import { describe, expect, it } from 'vitest';
import { isBreakwaterError, MemoryStore, RateLimit, rateLimit, systemClock, type RateLimitOptions } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
// Not public: the single home of the defaults, which the resolved options must mirror.
import { rateLimitDefaults } from '../src/rate-limit/options-schema.js';
import { configErrorFrom } from './config-support.js';

/** Builds options that the types would refuse: the point of these tests is the runtime check. */
const raw = (options: Record<string, unknown>): RateLimitOptions<unknown> => options as unknown as RateLimitOptions<unknown>;
const one = (limit: Record<string, unknown>): RateLimitOptions<unknown> => raw({ name: 'api', limits: [limit] });
const withBucket = (extra: Record<string, unknown>): RateLimitOptions<unknown> => raw({ name: 'api', limits: [{ capacity: 10, refillRate: 1 }], ...extra });

interface InvalidCase {
  readonly options: RateLimitOptions<unknown>;
  /** The exact dotted path of the issue expected among `error.issues`. */
  readonly path: string;
  /** The value expected as `issue.received`. */
  readonly received: unknown;
  /** How the message renders the received value (after `received `). */
  readonly shown: string;
  /** Extra text the issue's message must contain. */
  readonly hint?: string;
}

const L0 = 'rateLimit.limits.0';
const leaky = { algorithm: 'leaky-bucket', limit: 5 };
const duplicate = [{ name: 'per-ip', capacity: 1, refillRate: 1 }, { name: 'per-ip', algorithm: 'fixed-window', limit: 5, window: '1m' }];
const tooMany = Array.from({ length: 33 }, (_, i) => ({ name: `l${i}`, capacity: 1, refillRate: 1 }));
const notAStore = { consume: () => undefined };

const invalidCases: Record<string, InvalidCase> = {
  // name and limits
  'missing name': { options: raw({ limits: [{ capacity: 1, refillRate: 1 }] }), path: 'rateLimit.name', received: undefined, shown: 'undefined' },
  'missing limits': { options: raw({ name: 'api' }), path: 'rateLimit.limits', received: undefined, shown: 'undefined', hint: 'array of limits' },
  'empty limits': { options: raw({ name: 'api', limits: [] }), path: 'rateLimit.limits', received: [], shown: 'an array of 0', hint: 'at least one' },
  'limits as one object': { options: raw({ name: 'api', limits: { capacity: 1 } }), path: 'rateLimit.limits', received: { capacity: 1 }, shown: '{"capacity":1}' },
  '33 limits': { options: raw({ name: 'api', limits: tooMany }), path: 'rateLimit.limits', received: tooMany, shown: 'an array of 33', hint: 'at most 32' },
  'a null limit': { options: raw({ name: 'api', limits: [null] }), path: L0, received: null, shown: 'null', hint: 'algorithm' },
  // token bucket
  'negative capacity': { options: one({ capacity: -1, refillRate: 1 }), path: `${L0}.capacity`, received: -1, shown: '-1', hint: '>= 1' },
  'capacity 0': { options: one({ capacity: 0, refillRate: 1 }), path: `${L0}.capacity`, received: 0, shown: '0', hint: '>= 1' },
  'capacity 1.5': { options: one({ capacity: 1.5, refillRate: 1 }), path: `${L0}.capacity`, received: 1.5, shown: '1.5', hint: 'integer' },
  "capacity '10'": { options: one({ capacity: '10', refillRate: 1 }), path: `${L0}.capacity`, received: '10', shown: '"10"' },
  'capacity Infinity': { options: one({ capacity: Number.POSITIVE_INFINITY, refillRate: 1 }), path: `${L0}.capacity`, received: Number.POSITIVE_INFINITY, shown: 'Infinity' },
  'capacity above 2^40': { options: one({ capacity: 2 ** 41, refillRate: 1 }), path: `${L0}.capacity`, received: 2 ** 41, shown: String(2 ** 41) },
  'missing refillRate': { options: one({ capacity: 1 }), path: `${L0}.refillRate`, received: undefined, shown: 'undefined' },
  'refillRate NaN': { options: one({ capacity: 1, refillRate: Number.NaN }), path: `${L0}.refillRate`, received: Number.NaN, shown: 'NaN' },
  'refillRate 0': { options: one({ capacity: 1, refillRate: 0 }), path: `${L0}.refillRate`, received: 0, shown: '0', hint: '>= 1' },
  'refillInterval 0': { options: one({ capacity: 1, refillRate: 1, refillInterval: 0 }), path: `${L0}.refillInterval`, received: 0, shown: '0', hint: '> 0' },
  "refillInterval '0s'": { options: one({ capacity: 1, refillRate: 1, refillInterval: '0s' }), path: `${L0}.refillInterval`, received: '0s', shown: '"0s"', hint: '> 0' },
  'refillInterval 0.5 ms': { options: one({ capacity: 1, refillRate: 1, refillInterval: 0.5 }), path: `${L0}.refillInterval`, received: 0.5, shown: '0.5', hint: 'whole milliseconds' },
  "refillInterval '1 sec'": { options: one({ capacity: 1, refillRate: 1, refillInterval: '1 sec' }), path: `${L0}.refillInterval`, received: '1 sec', shown: '"1 sec"' },
  'capacity × refillInterval past 2^50': {
    options: one({ capacity: 2 ** 40, refillRate: 1, refillInterval: '1h' }),
    path: `${L0}.capacity`,
    received: 2 ** 40,
    shown: String(2 ** 40),
    hint: '2^50',
  },
  // other algorithms
  "algorithm 'leaky-bucket'": { options: one(leaky), path: `${L0}.algorithm`, received: 'leaky-bucket', shown: '"leaky-bucket"', hint: '"token-bucket", "gcra"' },
  'gcra without period': { options: one({ algorithm: 'gcra', limit: 5 }), path: `${L0}.period`, received: undefined, shown: 'undefined', hint: 'duration' },
  'gcra burst 0': { options: one({ algorithm: 'gcra', limit: 5, period: '1s', burst: 0 }), path: `${L0}.burst`, received: 0, shown: '0', hint: '>= 1' },
  'gcra limit -5': { options: one({ algorithm: 'gcra', limit: -5, period: '1s' }), path: `${L0}.limit`, received: -5, shown: '-5' },
  'gcra burst × period past 2^50': {
    options: one({ algorithm: 'gcra', limit: 1, period: '30d', burst: 2 ** 30 }),
    path: `${L0}.burst`,
    received: 2 ** 30,
    shown: String(2 ** 30),
    hint: 'burst × period',
  },
  'fixed window 0': { options: one({ algorithm: 'fixed-window', limit: 5, window: 0 }), path: `${L0}.window`, received: 0, shown: '0', hint: '> 0' },
  'fixed window limit 0': { options: one({ algorithm: 'fixed-window', limit: 0, window: '1m' }), path: `${L0}.limit`, received: 0, shown: '0' },
  "sliding window '0ms'": { options: one({ algorithm: 'sliding-window', limit: 5, window: '0ms' }), path: `${L0}.window`, received: '0ms', shown: '"0ms"', hint: '> 0' },
  'sliding window without window': { options: one({ algorithm: 'sliding-window', limit: 5 }), path: `${L0}.window`, received: undefined, shown: 'undefined' },
  'sliding window limit × window past 2^50': {
    options: one({ algorithm: 'sliding-window', limit: 2 ** 40, window: '1d' }),
    path: `${L0}.limit`,
    received: 2 ** 40,
    shown: String(2 ** 40),
    hint: 'limit × window',
  },
  'a window on a token bucket': {
    options: one({ capacity: 1, refillRate: 1, window: '1s' }),
    path: L0,
    received: { capacity: 1, refillRate: 1, window: '1s' },
    shown: '{"capacity":1,"refillRate":1,"window":"1s"}',
    hint: 'unknown option window',
  },
  'capacity on a fixed window': {
    options: one({ algorithm: 'fixed-window', limit: 1, window: '1s', capacity: 3 }),
    path: L0,
    received: { algorithm: 'fixed-window', limit: 1, window: '1s', capacity: 3 },
    shown: '{"algorithm":"fixed-window","limit":1,"window":"1s","capacity":3}',
    hint: 'unknown option capacity',
  },
  // names and keys
  'key as a string': { options: one({ capacity: 1, refillRate: 1, key: 'ip' }), path: `${L0}.key`, received: 'ip', shown: '"ip"', hint: 'function' },
  'empty limit name': { options: one({ name: '', capacity: 1, refillRate: 1 }), path: `${L0}.name`, received: '', shown: '""', hint: 'non-empty' },
  'limit name with a brace': { options: one({ name: 'per{ip}', capacity: 1, refillRate: 1 }), path: `${L0}.name`, received: 'per{ip}', shown: '"per{ip}"', hint: 'hash tags' },
  'two limits with one name': { options: raw({ name: 'api', limits: duplicate }), path: 'rateLimit.limits.1.name', received: 'per-ip', shown: '"per-ip"', hint: 'no other limit' },
  // cost, lists, modes
  'cost -1': { options: withBucket({ cost: -1 }), path: 'rateLimit.cost', received: -1, shown: '-1', hint: '>= 0' },
  'cost 0.5': { options: withBucket({ cost: 0.5 }), path: 'rateLimit.cost', received: 0.5, shown: '0.5' },
  "cost '1'": { options: withBucket({ cost: '1' }), path: 'rateLimit.cost', received: '1', shown: '"1"', hint: 'or a function' },
  'allow as one string': { options: withBucket({ allow: '10.0.0.1' }), path: 'rateLimit.allow', received: '10.0.0.1', shown: '"10.0.0.1"', hint: 'array of keys or a predicate' },
  'deny of numbers': { options: withBucket({ deny: [1, 2] }), path: 'rateLimit.deny', received: [1, 2], shown: 'an array of 2' },
  "shadow 'yes'": { options: withBucket({ shadow: 'yes' }), path: 'rateLimit.shadow', received: 'yes', shown: '"yes"', hint: 'boolean' },
  'delay maxWait -1': { options: withBucket({ delay: { maxWait: -1 } }), path: 'rateLimit.delay.maxWait', received: -1, shown: '-1', hint: 'duration' },
  "delay maxWait 'soon'": { options: withBucket({ delay: { maxWait: 'soon' } }), path: 'rateLimit.delay.maxWait', received: 'soon', shown: '"soon"' },
  'delay maxQueue -1': { options: withBucket({ delay: { maxQueue: -1 } }), path: 'rateLimit.delay.maxQueue', received: -1, shown: '-1', hint: '>= 0' },
  'delay maxQueue 2.5': { options: withBucket({ delay: { maxQueue: 2.5 } }), path: 'rateLimit.delay.maxQueue', received: 2.5, shown: '2.5' },
  'delay true': { options: withBucket({ delay: true }), path: 'rateLimit.delay', received: true, shown: 'true' },
  'unknown option in delay': { options: withBucket({ delay: { timeout: 5 } }), path: 'rateLimit.delay', received: { timeout: 5 }, shown: '{"timeout":5}', hint: 'unknown option timeout' },
  // injected objects and unknown options
  "store 'redis'": { options: withBucket({ store: 'redis' }), path: 'rateLimit.store', received: 'redis', shown: '"redis"', hint: 'consume()' },
  'store without peek and reset': { options: withBucket({ store: notAStore }), path: 'rateLimit.store', received: notAStore, shown: '{}' },
  'clock null': { options: withBucket({ clock: null }), path: 'rateLimit.clock', received: null, shown: 'null' },
  'unknown top-level option': {
    options: raw({ name: 'api', limits: [], windowMs: 60_000 }),
    path: 'rateLimit',
    received: { name: 'api', limits: [], windowMs: 60_000 },
    shown: '{"name":"api","limits":[],"windowMs":60000}',
    hint: 'unknown option windowMs',
  },
};

describe('rateLimit: invalid options throw ConfigError naming the path and the value', () => {
  it('covers at least 40 invalid configurations', () => {
    expect(Object.keys(invalidCases).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(invalidCases))('%s', (_label, testCase) => {
    const error = configErrorFrom(() => rateLimit(testCase.options));
    expect(isBreakwaterError(error, 'ERR_INVALID_CONFIG')).toBe(true);
    const issue = error.issues.find((candidate) => candidate.path === testCase.path);
    expect(issue, `issues: ${error.message}`).toBeDefined();
    expect(issue!.received).toEqual(testCase.received);
    if (testCase.hint !== undefined) expect(issue!.message).toContain(testCase.hint);
    expect(error.message).toContain(`${testCase.path}: `);
    expect(error.message).toContain(`received ${testCase.shown}`);
  });

  it('new RateLimit() validates the same way as rateLimit()', () => {
    const error = configErrorFrom(() => new RateLimit(one({ capacity: 0, refillRate: 1 })));
    expect(error.issues).toEqual([{ path: `${L0}.capacity`, message: 'expected an integer >= 1', received: 0 }]);
  });
});

describe('rateLimit: resolved options', () => {
  it('default to what options-schema.ts declares (rateLimitDefaults), with every limit named', () => {
    const limiter = rateLimit({ name: 'api', limits: [{ capacity: 5, refillRate: 1 }, { algorithm: 'gcra', limit: 10, period: '1m' }] });
    expect(limiter.options).toEqual({
      name: 'api',
      limits: [
        { algorithm: 'token-bucket', name: 'limit-1', capacity: 5, refillRate: 1, refillInterval: rateLimitDefaults.refillIntervalMs },
        { algorithm: 'gcra', name: 'limit-2', limit: 10, period: 60_000, burst: 10 },
      ],
      cost: rateLimitDefaults.cost,
      shadow: rateLimitDefaults.shadow,
      onStoreError: rateLimitDefaults.onStoreError,
      clock: systemClock,
    });
    expect(rateLimitDefaults).toEqual({ refillIntervalMs: 1_000, cost: 1, shadow: false, maxWaitMs: 1_000, maxQueue: 100, onStoreError: 'failOpen' });
  });

  it('default delay {} to maxWait 1 s and maxQueue 100', () => {
    expect(rateLimit({ name: 'api', limits: [{ capacity: 1, refillRate: 1 }], delay: {} }).options.delay).toEqual({ maxWait: 1_000, maxQueue: 100 });
  });

  it('honour explicit zeros: cost 0, maxWait 0 and maxQueue 0', async () => {
    const clock = new ManualClock(0);
    const free = rateLimit({ name: 'free', clock, cost: 0, limits: [{ capacity: 1, refillRate: 1 }] });
    for (let i = 0; i < 5; i++) await free.execute(() => i);
    const noWait = rateLimit({ name: 'no-wait', clock, delay: { maxWait: 0, maxQueue: 0 }, limits: [{ capacity: 1, refillRate: 1 }] });
    expect(noWait.options.delay).toEqual({ maxWait: 0, maxQueue: 0 });
    await noWait.execute(() => 1);
    await expect(noWait.execute(() => 2)).rejects.toMatchObject({ reason: 'limited' });
  });

  it('are deeply frozen; the store, clock and functions passed in stay as given', () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const key = (input: unknown): string => String(input);
    const limits = [{ key, capacity: 1, refillRate: 1 }];
    const limiter = rateLimit({ name: 'api', store, clock, limits, allow: ['a'] });
    expect(Object.isFrozen(limiter.options)).toBe(true);
    expect(Object.isFrozen(limiter.options.limits[0])).toBe(true);
    expect(Object.isFrozen(limiter.options.allow)).toBe(true);
    expect(limiter.options.store).toBe(store);
    expect(limiter.options.clock).toBe(clock);
    expect(limiter.options.limits[0]!.key).toBe(key);
    expect(Object.isFrozen(limits)).toBe(false);
    expect(Object.isFrozen(store)).toBe(false);
  });
});
