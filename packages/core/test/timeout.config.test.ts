import { describe, expect, it } from 'vitest';
import { Timeout, systemClock, timeout, type TimeoutOptions } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
// Not public: the single home of the defaults, which the resolved options must mirror.
import { timeoutDefaults } from '../src/timeout/options-schema.js';
import { configErrorFrom, isDeepFrozen, itRejectsInvalidOptions, type InvalidCase } from './config-support.js';

const raw = (options: Record<string, unknown>): TimeoutOptions => options as unknown as TimeoutOptions;

const invalidCases: Record<string, InvalidCase> = {
  'missing duration': { options: raw({}), path: 'timeout.duration', received: undefined, shown: 'undefined' },
  'duration 0': { options: raw({ duration: 0 }), path: 'timeout.duration', received: 0, shown: '0', hint: '> 0' },
  "duration '0ms'": { options: raw({ duration: '0ms' }), path: 'timeout.duration', received: '0ms', shown: '"0ms"', hint: '> 0' },
  'negative duration': { options: raw({ duration: -5 }), path: 'timeout.duration', received: -5, shown: '-5' },
  'NaN duration': { options: raw({ duration: Number.NaN }), path: 'timeout.duration', received: Number.NaN, shown: 'NaN' },
  'Infinity duration': { options: raw({ duration: Number.POSITIVE_INFINITY }), path: 'timeout.duration', received: Number.POSITIVE_INFINITY, shown: 'Infinity' },
  "duration '2 seconds'": { options: raw({ duration: '2 seconds' }), path: 'timeout.duration', received: '2 seconds', shown: '"2 seconds"', hint: 'duration' },
  'duration null': { options: raw({ duration: null }), path: 'timeout.duration', received: null, shown: 'null' },
  "strategy 'eager'": { options: raw({ duration: 1, strategy: 'eager' }), path: 'timeout.strategy', received: 'eager', shown: '"eager"', hint: '"aggressive" or "cooperative"' },
  'strategy true': { options: raw({ duration: 1, strategy: true }), path: 'timeout.strategy', received: true, shown: 'true' },
  'empty name': { options: raw({ name: '', duration: 1 }), path: 'timeout.name', received: '', shown: '""', hint: 'non-empty' },
  'numeric name': { options: raw({ name: 7, duration: 1 }), path: 'timeout.name', received: 7, shown: '7' },
  'clock without now()': {
    options: raw({ duration: 1, clock: { setTimeout: () => 0, clearTimeout: () => undefined } }),
    path: 'timeout.clock',
    received: { setTimeout: expect.any(Function), clearTimeout: expect.any(Function) },
    shown: '{}',
    hint: 'now()',
  },
  'unknown option (a breaker’s timeout key)': {
    options: raw({ timeout: '1s' }),
    path: 'timeout',
    received: { timeout: '1s' },
    shown: '{"timeout":"1s"}',
    hint: 'unknown option timeout',
  },
};

describe('timeout(): invalid options throw ConfigError', () => {
  itRejectsInvalidOptions((options: TimeoutOptions) => timeout(options), invalidCases);

  it('new Timeout() validates the same way', () => {
    const error = configErrorFrom(() => new Timeout(raw({ duration: 0 })));
    expect(error.issues).toEqual([{ path: 'timeout.duration', message: 'expected a duration > 0', received: 0 }]);
  });

  it('rejects options that are not an object', () => {
    for (const options of [undefined, null, '1s', 1_000]) {
      const error = configErrorFrom(() => timeout(options as unknown as TimeoutOptions));
      expect(error.issues[0]!.path).toBe('timeout');
    }
  });
});

describe('timeout(): resolved options', () => {
  it('default to what options-schema.ts declares', () => {
    const policy = timeout({ duration: '1.5s' });
    expect(policy.options).toEqual({ name: timeoutDefaults.name, duration: 1_500, strategy: timeoutDefaults.strategy, clock: systemClock });
    expect(timeoutDefaults).toEqual({ name: 'timeout', strategy: 'aggressive' });
    expect(policy.name).toBe('timeout');
    expect(policy.kind).toBe('timeout');
  });

  it('accept durations as numbers or strings', () => {
    expect(timeout({ duration: 250 }).options.duration).toBe(250);
    expect(timeout({ duration: '250ms' }).options.duration).toBe(250);
    expect(timeout({ duration: '2 m' }).options.duration).toBe(120_000);
    expect(timeout({ duration: '30d' }).options.duration).toBe(2_592_000_000);
  });

  it('are frozen, keep the injected clock by identity and leave the caller’s object alone', () => {
    const clock = new ManualClock();
    const input = { name: 'db', duration: 10, strategy: 'cooperative' as const, clock };
    const policy = timeout(input);
    expect(Object.isFrozen(policy.options)).toBe(true);
    expect(isDeepFrozen(policy.options)).toBe(true);
    expect(policy.options.clock).toBe(clock);
    expect(Object.isFrozen(input)).toBe(false);
  });
});
