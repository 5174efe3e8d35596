import { describe, expect, it } from 'vitest';
import { Bulkhead, bulkhead, systemClock, type BulkheadOptions } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
// Not public: the single home of the defaults, which the resolved options must mirror.
import { bulkheadDefaults } from '../src/bulkhead/options-schema.js';
import { configErrorFrom, isDeepFrozen, itRejectsInvalidOptions, type InvalidCase } from './config-support.js';

const raw = (options: Record<string, unknown>): BulkheadOptions => options as unknown as BulkheadOptions;
const ok = { name: 'db', maxConcurrent: 10 };

const invalidCases: Record<string, InvalidCase> = {
  'missing name': { options: raw({ maxConcurrent: 1 }), path: 'bulkhead.name', received: undefined, shown: 'undefined' },
  'empty name': { options: raw({ ...ok, name: '' }), path: 'bulkhead.name', received: '', shown: '""', hint: 'non-empty' },
  'missing maxConcurrent': { options: raw({ name: 'db' }), path: 'bulkhead.maxConcurrent', received: undefined, shown: 'undefined' },
  'maxConcurrent 0': { options: raw({ ...ok, maxConcurrent: 0 }), path: 'bulkhead.maxConcurrent', received: 0, shown: '0', hint: '>= 1' },
  'maxConcurrent -3': { options: raw({ ...ok, maxConcurrent: -3 }), path: 'bulkhead.maxConcurrent', received: -3, shown: '-3' },
  'maxConcurrent 2.5': { options: raw({ ...ok, maxConcurrent: 2.5 }), path: 'bulkhead.maxConcurrent', received: 2.5, shown: '2.5', hint: 'integer' },
  "maxConcurrent '10'": { options: raw({ ...ok, maxConcurrent: '10' }), path: 'bulkhead.maxConcurrent', received: '10', shown: '"10"' },
  'maxConcurrent Infinity': {
    options: raw({ ...ok, maxConcurrent: Number.POSITIVE_INFINITY }),
    path: 'bulkhead.maxConcurrent',
    received: Number.POSITIVE_INFINITY,
    shown: 'Infinity',
  },
  'maxQueue -1': { options: raw({ ...ok, maxQueue: -1 }), path: 'bulkhead.maxQueue', received: -1, shown: '-1', hint: '>= 0' },
  'maxQueue 0.5': { options: raw({ ...ok, maxQueue: 0.5 }), path: 'bulkhead.maxQueue', received: 0.5, shown: '0.5' },
  'maxQueue NaN': { options: raw({ ...ok, maxQueue: Number.NaN }), path: 'bulkhead.maxQueue', received: Number.NaN, shown: 'NaN' },
  'queueTimeout 0': { options: raw({ ...ok, maxQueue: 5, queueTimeout: 0 }), path: 'bulkhead.queueTimeout', received: 0, shown: '0', hint: '> 0' },
  "queueTimeout 'soon'": { options: raw({ ...ok, maxQueue: 5, queueTimeout: 'soon' }), path: 'bulkhead.queueTimeout', received: 'soon', shown: '"soon"' },
  'queueTimeout without a queue': {
    options: raw({ ...ok, queueTimeout: '1s' }),
    path: 'bulkhead.queueTimeout',
    received: '1s',
    shown: '"1s"',
    hint: 'maxQueue > 0',
  },
  'clock null': { options: raw({ ...ok, clock: null }), path: 'bulkhead.clock', received: null, shown: 'null' },
  'unknown option (cockatiel’s queue)': {
    options: raw({ ...ok, queue: 5 }),
    path: 'bulkhead',
    received: { ...ok, queue: 5 },
    shown: '{"name":"db","maxConcurrent":10,"queue":5}',
    hint: 'unknown option queue',
  },
};

describe('bulkhead(): invalid options throw ConfigError', () => {
  itRejectsInvalidOptions((options: BulkheadOptions) => bulkhead(options), invalidCases);

  it('new Bulkhead() validates the same way', () => {
    const error = configErrorFrom(() => new Bulkhead(raw({ name: 'db', maxConcurrent: 0 })));
    expect(error.issues).toEqual([{ path: 'bulkhead.maxConcurrent', message: 'expected an integer >= 1', received: 0 }]);
  });

  it('reports every offending option at once', () => {
    const error = configErrorFrom(() => bulkhead(raw({ name: '', maxConcurrent: 0, maxQueue: -1 })));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['bulkhead.maxConcurrent', 'bulkhead.maxQueue', 'bulkhead.name']);
  });
});

describe('bulkhead(): resolved options', () => {
  it('default to what options-schema.ts declares', () => {
    const pool = bulkhead(ok);
    expect(pool.options).toEqual({ name: 'db', maxConcurrent: 10, maxQueue: bulkheadDefaults.maxQueue, clock: systemClock });
    expect(pool.options.queueTimeout).toBeUndefined();
    expect(bulkheadDefaults).toEqual({ maxQueue: 0, unmeasuredRetryAfterMs: 1_000 });
    expect(pool.kind).toBe('bulkhead');
  });

  it('parse durations, freeze, and keep the clock by identity', () => {
    const clock = new ManualClock();
    const input = { name: 'db', maxConcurrent: 3, maxQueue: 7, queueTimeout: '2.5s' as const, clock };
    const pool = bulkhead(input);
    expect(pool.options).toMatchObject({ maxQueue: 7, queueTimeout: 2_500 });
    expect(pool.options.clock).toBe(clock);
    expect(isDeepFrozen(pool.options)).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
  });
});
