import { describe, expect, it } from 'vitest';
import { ConfigError, Quota, quota, systemClock, type QuotaOptions } from '../src/index.js';
// Not public: the single home of the defaults, which the resolved options must mirror.
import { quotaDefaults } from '../src/quota/options-schema.js';
import { configErrorFrom } from './config-support.js';

const raw = (options: Record<string, unknown>): QuotaOptions<unknown> => options as unknown as QuotaOptions<unknown>;
const daily = (extra: Record<string, unknown>): QuotaOptions<unknown> => raw({ name: 'q', limits: { day: 100 }, ...extra });

interface InvalidCase {
  readonly options: QuotaOptions<unknown>;
  readonly path: string;
  readonly received: unknown;
  readonly shown: string;
  readonly hint?: string;
}

const invalidCases: Record<string, InvalidCase> = {
  'missing name': { options: raw({ limits: { day: 1 } }), path: 'quota.name', received: undefined, shown: 'undefined' },
  'missing limits': { options: raw({ name: 'q' }), path: 'quota.limits', received: undefined, shown: 'undefined', hint: '{ hour: 1000' },
  'no window in limits': { options: raw({ name: 'q', limits: {} }), path: 'quota.limits', received: {}, shown: '{}', hint: 'at least one of hour, day, week, month' },
  'a yearly limit': { options: raw({ name: 'q', limits: { year: 5 } }), path: 'quota.limits', received: { year: 5 }, shown: '{"year":5}', hint: 'unknown option year' },
  'day 0': { options: raw({ name: 'q', limits: { day: 0 } }), path: 'quota.limits.day', received: 0, shown: '0', hint: '>= 1' },
  'hour -5': { options: raw({ name: 'q', limits: { hour: -5 } }), path: 'quota.limits.hour', received: -5, shown: '-5', hint: '>= 1' },
  'month 2.5': { options: raw({ name: 'q', limits: { month: 2.5 } }), path: 'quota.limits.month', received: 2.5, shown: '2.5', hint: 'integer' },
  "week '7'": { options: raw({ name: 'q', limits: { week: '7' } }), path: 'quota.limits.week', received: '7', shown: '"7"' },
  'day NaN': { options: raw({ name: 'q', limits: { day: Number.NaN } }), path: 'quota.limits.day', received: Number.NaN, shown: 'NaN' },
  'unknown time zone': { options: daily({ timeZone: 'Mars/Olympus_Mons' }), path: 'quota.timeZone', received: 'Mars/Olympus_Mons', shown: '"Mars/Olympus_Mons"', hint: 'IANA time zone' },
  'time zone as an offset number': { options: daily({ timeZone: -5 }), path: 'quota.timeZone', received: -5, shown: '-5', hint: 'IANA' },
  'empty time zone': { options: daily({ timeZone: '' }), path: 'quota.timeZone', received: '', shown: '""' },
  'weekStartsOn 7': { options: daily({ weekStartsOn: 7 }), path: 'quota.weekStartsOn', received: 7, shown: '7', hint: '<= 6' },
  "weekStartsOn 'monday'": { options: daily({ weekStartsOn: 'monday' }), path: 'quota.weekStartsOn', received: 'monday', shown: '"monday"' },
  'key as a string': { options: daily({ key: 'apiKey' }), path: 'quota.key', received: 'apiKey', shown: '"apiKey"', hint: 'function' },
  'empty operation': { options: daily({ operation: '' }), path: 'quota.operation', received: '', shown: '""', hint: 'non-empty' },
  'operation 42': { options: daily({ operation: 42 }), path: 'quota.operation', received: 42, shown: '42' },
  'cost -2': { options: daily({ cost: -2 }), path: 'quota.cost', received: -2, shown: '-2', hint: '>= 0' },
  "store 'memory'": { options: daily({ store: 'memory' }), path: 'quota.store', received: 'memory', shown: '"memory"', hint: 'Store' },
  'unknown option': { options: daily({ window: 'day' }), path: 'quota', received: { name: 'q', limits: { day: 100 }, window: 'day' }, shown: '{"name":"q","limits":{"day":100},"window":"day"}', hint: 'unknown option window' },
};

describe('quota: invalid options throw ConfigError naming the path and the value', () => {
  it.each(Object.entries(invalidCases))('%s', (_label, testCase) => {
    const error = configErrorFrom(() => quota(testCase.options));
    const issue = error.issues.find((candidate) => candidate.path === testCase.path);
    expect(issue, `issues: ${error.message}`).toBeDefined();
    expect(issue!.received).toEqual(testCase.received);
    if (testCase.hint !== undefined) expect(issue!.message).toContain(testCase.hint);
    expect(error.message).toContain(`${testCase.path}: `);
    expect(error.message).toContain(`received ${testCase.shown}`);
  });

  it('new Quota() validates the same way as quota()', () => {
    expect(() => new Quota(raw({ name: 'q', limits: { day: 0 } }))).toThrow(ConfigError);
  });
});

describe('quota: resolved options', () => {
  it('default to what options-schema.ts declares (quotaDefaults)', () => {
    expect(quota({ name: 'q', limits: { day: 5 } }).options).toEqual({ name: 'q', limits: { day: 5 }, timeZone: 'UTC', weekStartsOn: 1, cost: 1, onStoreError: 'failOpen', clock: systemClock });
    expect(quotaDefaults).toEqual({ timeZone: 'UTC', weekStartsOn: 1, cost: 1, onStoreError: 'failOpen' });
  });

  it('spell a time zone the way the runtime does', () => {
    expect(quota({ name: 'q', limits: { day: 5 }, timeZone: 'europe/berlin' }).options.timeZone).toBe('Europe/Berlin');
  });

  it('honour weekStartsOn 0 (Sunday) and cost 0', () => {
    expect(quota({ name: 'q', limits: { week: 5 }, weekStartsOn: 0, cost: 0 }).options).toMatchObject({ weekStartsOn: 0, cost: 0 });
  });
});
