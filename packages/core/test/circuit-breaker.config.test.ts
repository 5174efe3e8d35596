import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  circuitBreaker,
  ConfigError,
  isBreakwaterError,
  memoryBreakerStateStore,
  systemClock,
  type BreakerStateStore,
  type CircuitBreakerOptions,
  type CircuitBreakerState,
  type Clock,
  type Permit,
  type TripConditions,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
// Not public: the single home of the defaults, which the resolved options must mirror.
import { breakerDefaults } from '../src/circuit-breaker/options-schema.js';
import { configErrorFrom } from './config-support.js';

/** Builds options that the types would refuse: the point of these tests is the runtime check. */
const raw = (options: Record<string, unknown>): CircuitBreakerOptions<unknown> => options as unknown as CircuitBreakerOptions<unknown>;

/** Saved state of a breaker with these trip conditions (optionally after some failures). */
function savedState(trip: TripConditions, failures = 0): CircuitBreakerState {
  const breaker = circuitBreaker({ name: 'saved', clock: new ManualClock(1_000), trip });
  for (let i = 0; i < failures; i++) (breaker.acquire() as Permit).failure(new Error('down'));
  return breaker.toJSON();
}

const consecutiveState = savedState({ consecutiveFailures: 5 }, 2);
const countWindowState = savedState({ failureRate: { threshold: 1, minimumCalls: 100, window: { type: 'count', size: 100 } } }, 50);
const timeWindowTrip: TripConditions = { failureRate: { threshold: 0.5, window: { type: 'time', duration: '10s', buckets: 10 } } };
const timeWindowState = savedState(timeWindowTrip, 1);

interface InvalidCase {
  /** Options passed to circuitBreaker(). */
  readonly options: CircuitBreakerOptions<unknown>;
  /** The exact dotted path of the issue expected among `error.issues`. */
  readonly path: string;
  /** The value expected as `issue.received`. */
  readonly received: unknown;
  /** How the message renders the received value (after `received `). */
  readonly shown: string;
  /** Extra text the issue's message must contain. */
  readonly hint?: string;
}

const long = 'x'.repeat(201);
const countWindow = (window: Record<string, unknown>) => raw({ name: 'db', trip: { failureRate: { threshold: 0.5, window } } });
const failureRate = (condition: Record<string, unknown>) => raw({ name: 'db', trip: { failureRate: condition } });
const FR = 'circuitBreaker.trip.failureRate';

const invalidCases: Record<string, InvalidCase> = {
  // name
  'missing name': { options: raw({}), path: 'circuitBreaker.name', received: undefined, shown: 'undefined' },
  'empty name': { options: raw({ name: '' }), path: 'circuitBreaker.name', received: '', shown: '""', hint: 'non-empty' },
  'numeric name': { options: raw({ name: 42 }), path: 'circuitBreaker.name', received: 42, shown: '42' },
  'null name': { options: raw({ name: null }), path: 'circuitBreaker.name', received: null, shown: 'null' },
  'name over 200 characters': { options: raw({ name: long }), path: 'circuitBreaker.name', received: long, shown: `"${long}"`, hint: '200' },
  // durations
  'negative recoveryTimeout': { options: raw({ name: 'db', recoveryTimeout: -1 }), path: 'circuitBreaker.recoveryTimeout', received: -1, shown: '-1' },
  'NaN recoveryTimeout': { options: raw({ name: 'db', recoveryTimeout: Number.NaN }), path: 'circuitBreaker.recoveryTimeout', received: Number.NaN, shown: 'NaN' },
  'Infinity recoveryTimeout': {
    options: raw({ name: 'db', recoveryTimeout: Number.POSITIVE_INFINITY }),
    path: 'circuitBreaker.recoveryTimeout',
    received: Number.POSITIVE_INFINITY,
    shown: 'Infinity',
  },
  "recoveryTimeout 'abc'": { options: raw({ name: 'db', recoveryTimeout: 'abc' }), path: 'circuitBreaker.recoveryTimeout', received: 'abc', shown: '"abc"', hint: 'duration' },
  "recoveryTimeout '10 years'": {
    options: raw({ name: 'db', recoveryTimeout: '10 years' }),
    path: 'circuitBreaker.recoveryTimeout',
    received: '10 years',
    shown: '"10 years"',
  },
  "recoveryTimeout '30 sec'": { options: raw({ name: 'db', recoveryTimeout: '30 sec' }), path: 'circuitBreaker.recoveryTimeout', received: '30 sec', shown: '"30 sec"' },
  'recoveryTimeout beyond MAX_SAFE_INTEGER': {
    options: raw({ name: 'db', recoveryTimeout: 1e300 }),
    path: 'circuitBreaker.recoveryTimeout',
    received: 1e300,
    shown: '1e+300',
  },
  "probeTimeout '-5s'": { options: raw({ name: 'db', probeTimeout: '-5s' }), path: 'circuitBreaker.probeTimeout', received: '-5s', shown: '"-5s"' },
  'probeTimeout 0': { options: raw({ name: 'db', probeTimeout: 0 }), path: 'circuitBreaker.probeTimeout', received: 0, shown: '0', hint: '> 0' },
  'timeout 0': { options: raw({ name: 'db', timeout: 0 }), path: 'circuitBreaker.timeout', received: 0, shown: '0', hint: '> 0' },
  "timeout '0ms'": { options: raw({ name: 'db', timeout: '0ms' }), path: 'circuitBreaker.timeout', received: '0ms', shown: '"0ms"', hint: '> 0' },
  'time window duration 0': {
    options: countWindow({ type: 'time', duration: 0 }),
    path: `${FR}.window.duration`,
    received: 0,
    shown: '0',
    hint: '> 0',
  },
  'slowCallDuration 0': {
    options: raw({ name: 'db', trip: { slowCallRate: { threshold: 0.5, slowCallDuration: 0 } } }),
    path: 'circuitBreaker.trip.slowCallRate.slowCallDuration',
    received: 0,
    shown: '0',
    hint: '> 0',
  },
  'missing slowCallDuration': {
    options: raw({ name: 'db', trip: { slowCallRate: { threshold: 0.5 } } }),
    path: 'circuitBreaker.trip.slowCallRate.slowCallDuration',
    received: undefined,
    shown: 'undefined',
  },
  'maxRecoveryTimeout 0': {
    options: raw({ name: 'db', recoveryTimeout: 0, backoff: { maxRecoveryTimeout: 0 } }),
    path: 'circuitBreaker.backoff.maxRecoveryTimeout',
    received: 0,
    shown: '0',
  },
  // integers
  'maxProbes 0': { options: raw({ name: 'db', maxProbes: 0 }), path: 'circuitBreaker.maxProbes', received: 0, shown: '0', hint: '>= 1' },
  'maxProbes 1.5': { options: raw({ name: 'db', maxProbes: 1.5 }), path: 'circuitBreaker.maxProbes', received: 1.5, shown: '1.5', hint: 'int' },
  'maxProbes 10001': { options: raw({ name: 'db', maxProbes: 10_001 }), path: 'circuitBreaker.maxProbes', received: 10_001, shown: '10001', hint: '<= 10000' },
  "maxProbes '2'": { options: raw({ name: 'db', maxProbes: '2' }), path: 'circuitBreaker.maxProbes', received: '2', shown: '"2"' },
  'successThreshold 0': { options: raw({ name: 'db', successThreshold: 0 }), path: 'circuitBreaker.successThreshold', received: 0, shown: '0', hint: '>= 1' },
  'consecutiveFailures 0': {
    options: raw({ name: 'db', trip: { consecutiveFailures: 0 } }),
    path: 'circuitBreaker.trip.consecutiveFailures',
    received: 0,
    shown: '0',
    hint: '>= 1',
  },
  "consecutiveFailures '5'": {
    options: raw({ name: 'db', trip: { consecutiveFailures: '5' } }),
    path: 'circuitBreaker.trip.consecutiveFailures',
    received: '5',
    shown: '"5"',
  },
  // rate conditions
  'threshold 0': { options: failureRate({ threshold: 0 }), path: `${FR}.threshold`, received: 0, shown: '0', hint: '(0, 1]' },
  'threshold 50 (percent style)': { options: failureRate({ threshold: 50 }), path: `${FR}.threshold`, received: 50, shown: '50', hint: '0.5' },
  'threshold 1.01': { options: failureRate({ threshold: 1.01 }), path: `${FR}.threshold`, received: 1.01, shown: '1.01', hint: '(0, 1]' },
  'threshold -0.5': { options: failureRate({ threshold: -0.5 }), path: `${FR}.threshold`, received: -0.5, shown: '-0.5' },
  'threshold NaN': { options: failureRate({ threshold: Number.NaN }), path: `${FR}.threshold`, received: Number.NaN, shown: 'NaN' },
  "threshold '0.5'": { options: failureRate({ threshold: '0.5' }), path: `${FR}.threshold`, received: '0.5', shown: '"0.5"' },
  'missing threshold': { options: failureRate({}), path: `${FR}.threshold`, received: undefined, shown: 'undefined' },
  'slowCallRate threshold 2': {
    options: raw({ name: 'db', trip: { slowCallRate: { threshold: 2, slowCallDuration: '1s' } } }),
    path: 'circuitBreaker.trip.slowCallRate.threshold',
    received: 2,
    shown: '2',
  },
  'minimumCalls -1': { options: failureRate({ threshold: 0.5, minimumCalls: -1 }), path: `${FR}.minimumCalls`, received: -1, shown: '-1', hint: '>= 0' },
  'minimumCalls 2.5': { options: failureRate({ threshold: 0.5, minimumCalls: 2.5 }), path: `${FR}.minimumCalls`, received: 2.5, shown: '2.5' },
  'minimumCalls above the count window size': {
    options: failureRate({ threshold: 0.5, minimumCalls: 20, window: { type: 'count', size: 10 } }),
    path: `${FR}.minimumCalls`,
    received: 20,
    shown: '20',
    hint: 'window size (10)',
  },
  'minimumCalls above the default count window size': {
    options: failureRate({ threshold: 0.5, minimumCalls: 101 }),
    path: `${FR}.minimumCalls`,
    received: 101,
    shown: '101',
    hint: 'window size (100)',
  },
  'slowCallRate minimumCalls above its window size': {
    options: raw({ name: 'db', trip: { slowCallRate: { threshold: 0.5, slowCallDuration: '1s', minimumCalls: 6, window: { type: 'count', size: 5 } } } }),
    path: 'circuitBreaker.trip.slowCallRate.minimumCalls',
    received: 6,
    shown: '6',
  },
  // windows
  "window type 'sliding'": { options: countWindow({ type: 'sliding' }), path: `${FR}.window.type`, received: 'sliding', shown: '"sliding"', hint: 'type: "count"' },
  'window without type': { options: countWindow({ size: 10 }), path: `${FR}.window.type`, received: undefined, shown: 'undefined' },
  "window 'count' (a string)": { options: failureRate({ threshold: 0.5, window: 'count' }), path: `${FR}.window`, received: 'count', shown: '"count"' },
  'count window size 0': { options: countWindow({ type: 'count', size: 0 }), path: `${FR}.window.size`, received: 0, shown: '0', hint: '>= 1' },
  'count window size 100001': { options: countWindow({ type: 'count', size: 100_001 }), path: `${FR}.window.size`, received: 100_001, shown: '100001' },
  'time window buckets 0': { options: countWindow({ type: 'time', buckets: 0 }), path: `${FR}.window.buckets`, received: 0, shown: '0', hint: '>= 1' },
  'time window buckets 2.5': { options: countWindow({ type: 'time', buckets: 2.5 }), path: `${FR}.window.buckets`, received: 2.5, shown: '2.5' },
  "time window duration 'abc'": { options: countWindow({ type: 'time', duration: 'abc' }), path: `${FR}.window.duration`, received: 'abc', shown: '"abc"' },
  // trip
  'empty trip {}': { options: raw({ name: 'db', trip: {} }), path: 'circuitBreaker.trip', received: {}, shown: '{}', hint: 'at least one of' },
  'trip null': { options: raw({ name: 'db', trip: null }), path: 'circuitBreaker.trip', received: null, shown: 'null' },
  // backoff
  'backoff multiplier 0.5': { options: raw({ name: 'db', backoff: { multiplier: 0.5 } }), path: 'circuitBreaker.backoff.multiplier', received: 0.5, shown: '0.5', hint: '>= 1' },
  'backoff multiplier NaN': {
    options: raw({ name: 'db', backoff: { multiplier: Number.NaN } }),
    path: 'circuitBreaker.backoff.multiplier',
    received: Number.NaN,
    shown: 'NaN',
  },
  'maxRecoveryTimeout below recoveryTimeout': {
    options: raw({ name: 'db', recoveryTimeout: '1m', backoff: { maxRecoveryTimeout: '10s' } }),
    path: 'circuitBreaker.backoff.maxRecoveryTimeout',
    received: '10s',
    shown: '"10s"',
    hint: '60000 ms',
  },
  'maxRecoveryTimeout below the default recoveryTimeout': {
    options: raw({ name: 'db', backoff: { maxRecoveryTimeout: 29_999 } }),
    path: 'circuitBreaker.backoff.maxRecoveryTimeout',
    received: 29_999,
    shown: '29999',
    hint: '30000 ms',
  },
  // functions
  'non-function isFailure': { options: raw({ name: 'db', isFailure: true }), path: 'circuitBreaker.isFailure', received: true, shown: 'true', hint: 'function' },
  'non-function isIgnored': { options: raw({ name: 'db', isIgnored: 'yes' }), path: 'circuitBreaker.isIgnored', received: 'yes', shown: '"yes"' },
  'non-function isResultFailure': { options: raw({ name: 'db', isResultFailure: 503 }), path: 'circuitBreaker.isResultFailure', received: 503, shown: '503' },
  'non-function fallback': { options: raw({ name: 'db', fallback: 'cached' }), path: 'circuitBreaker.fallback', received: 'cached', shown: '"cached"', hint: 'function' },
  // injected objects
  'clock without now()': {
    options: raw({ name: 'db', clock: { setTimeout: () => 0, clearTimeout: () => undefined } }),
    path: 'circuitBreaker.clock',
    received: undefined, // checked by identity below
    shown: '{}',
    hint: 'now()',
  },
  'clock null': { options: raw({ name: 'db', clock: null }), path: 'circuitBreaker.clock', received: null, shown: 'null' },
  'clock Date.now (a function)': { options: raw({ name: 'db', clock: () => 0 }), path: 'circuitBreaker.clock', received: undefined, shown: 'a function' },
  'store without bindBreaker': { options: raw({ name: 'db', store: { shared: false } }), path: 'circuitBreaker.store', received: undefined, shown: '{"shared":false}', hint: 'bindBreaker' },
  'store with bindBreaker not a function': {
    options: raw({ name: 'db', store: { shared: false, bindBreaker: true } }),
    path: 'circuitBreaker.store',
    received: undefined,
    shown: '{"shared":false,"bindBreaker":true}',
  },
  // unknown keys: reported at the object holding them, naming the key, with the object as the value received
  'unknown top-level option': {
    options: raw({ name: 'db', unknownOption: 1 }),
    path: 'circuitBreaker',
    received: undefined,
    shown: '{"name":"db","unknownOption":1}',
    hint: 'unknown option unknownOption',
  },
  'two unknown top-level options': {
    options: raw({ name: 'db', retries: 3, onOpen: 'x' }),
    path: 'circuitBreaker',
    received: undefined,
    shown: '{"name":"db","retries":3,"onOpen":"x"}',
    hint: 'unknown options retries, onOpen',
  },
  'unknown key in trip': {
    options: raw({ name: 'db', trip: { consecutiveFailures: 3, failures: 3 } }),
    path: 'circuitBreaker.trip',
    received: { consecutiveFailures: 3, failures: 3 },
    shown: '{"consecutiveFailures":3,"failures":3}',
    hint: 'unknown option failures',
  },
  'misspelt key in failureRate': {
    options: failureRate({ threshold: 0.5, minCalls: 5 }),
    path: FR,
    received: { threshold: 0.5, minCalls: 5 },
    shown: '{"threshold":0.5,"minCalls":5}',
    hint: 'unknown option minCalls',
  },
  'duration in a count window': {
    options: countWindow({ type: 'count', duration: '10s' }),
    path: `${FR}.window`,
    received: { type: 'count', duration: '10s' },
    shown: '{"type":"count","duration":"10s"}',
    hint: 'unknown option duration',
  },
  'unknown key in backoff': {
    options: raw({ name: 'db', backoff: { factor: 2 } }),
    path: 'circuitBreaker.backoff',
    received: { factor: 2 },
    shown: '{"factor":2}',
    hint: 'unknown option factor',
  },
  // initialState
  "initialState 'garbage'": {
    options: raw({ name: 'db', initialState: 'garbage' }),
    path: 'circuitBreaker.initialState',
    received: 'garbage',
    shown: '"garbage"',
    hint: 'toJSON()',
  },
  'initialState {}': { options: raw({ name: 'db', initialState: {} }), path: 'circuitBreaker.initialState', received: {}, shown: '{}' },
  'initialState from a breaker with a different trip condition': {
    options: raw({ name: 'db', trip: { failureRate: { threshold: 0.5 } }, initialState: consecutiveState }),
    path: 'circuitBreaker.initialState',
    received: consecutiveState,
    shown: '{"version":1,',
  },
  'initialState from a breaker with fewer trip conditions': {
    options: raw({ name: 'db', trip: { consecutiveFailures: 5, failureRate: { threshold: 0.5 } }, initialState: consecutiveState }),
    path: 'circuitBreaker.initialState',
    received: consecutiveState,
    shown: '{"version":1,',
  },
  'initialState from the default breaker into one without consecutiveFailures': {
    options: raw({ name: 'db', trip: { slowCallRate: { threshold: 0.5, slowCallDuration: '1s' } }, initialState: consecutiveState }),
    path: 'circuitBreaker.initialState',
    received: consecutiveState,
    shown: '{"version":1,',
  },
  'initialState from a larger count window': {
    options: raw({ name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'count', size: 10 } } }, initialState: countWindowState }),
    path: 'circuitBreaker.initialState',
    received: countWindowState,
    shown: '{"version":1,',
  },
  'initialState of a time window restored into a count window': {
    options: raw({ name: 'db', trip: { failureRate: { threshold: 0.5 } }, initialState: timeWindowState }),
    path: 'circuitBreaker.initialState',
    received: timeWindowState,
    shown: '{"version":1,',
  },
  'initialState of a time window with other buckets': {
    options: raw({ name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'time', duration: '10s', buckets: 5 } } }, initialState: timeWindowState }),
    path: 'circuitBreaker.initialState',
    received: timeWindowState,
    shown: '{"version":1,',
  },
  'initialState version 2': {
    options: raw({ name: 'db', initialState: { ...consecutiveState, version: 2 } }),
    path: 'circuitBreaker.initialState',
    received: { ...consecutiveState, version: 2 },
    shown: '{"version":2,',
  },
  "initialState state 'half-open'": {
    options: raw({ name: 'db', initialState: { ...consecutiveState, state: 'half-open' } }),
    path: 'circuitBreaker.initialState',
    received: { ...consecutiveState, state: 'half-open' },
    shown: '{"version":1,"state":"half-open"',
  },
  'initialState with a negative failure count': {
    options: raw({ name: 'db', initialState: { ...consecutiveState, strategies: [{ condition: 'consecutiveFailures', data: [-3] }] } }),
    path: 'circuitBreaker.initialState',
    received: { ...consecutiveState, strategies: [{ condition: 'consecutiveFailures', data: [-3] }] },
    shown: '{"version":1,',
  },
  'initialState with a count window outcome out of range': {
    options: raw({ name: 'db', trip: { failureRate: { threshold: 0.5 } }, initialState: { ...consecutiveState, strategies: [{ condition: 'failureRate', data: [0, 7] }] } }),
    path: 'circuitBreaker.initialState',
    received: { ...consecutiveState, strategies: [{ condition: 'failureRate', data: [0, 7] }] },
    shown: '{"version":1,',
  },
};

/** Entries whose `received` is the very object passed in, compared by identity. */
function receivedValue(testCase: InvalidCase): unknown {
  if (testCase.received !== undefined || testCase.shown === 'undefined') return testCase.received;
  const options = testCase.options as unknown as Record<string, unknown>;
  if (testCase.path === 'circuitBreaker') return options;
  return options[testCase.path.slice('circuitBreaker.'.length)];
}

describe('circuitBreaker(): invalid options throw ConfigError', () => {
  it('has at least 30 cases', () => {
    expect(Object.keys(invalidCases).length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(invalidCases))('%s', (_label, testCase) => {
    const error = configErrorFrom(() => circuitBreaker(testCase.options));
    expect(error).toBeInstanceOf(ConfigError);
    expect(isBreakwaterError(error, 'ERR_INVALID_CONFIG')).toBe(true);
    expect(error.code).toBe('ERR_INVALID_CONFIG');
    expect(error.name).toBe('ConfigError');

    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toContain(testCase.path);
    const issue = error.issues.find((candidate) => candidate.path === testCase.path)!;
    expect(issue.received).toEqual(receivedValue(testCase));
    if (testCase.hint !== undefined) expect(issue.message).toContain(testCase.hint);

    // The message names the path and the value received there.
    expect(error.message).toContain(`${testCase.path}: `);
    expect(error.message).toContain(`received ${testCase.shown}`);
  });

  it('new CircuitBreaker() validates the same way as circuitBreaker()', () => {
    const error = configErrorFrom(() => new CircuitBreaker(raw({ name: 'db', maxProbes: 0 })));
    expect(error.issues).toEqual([{ path: 'circuitBreaker.maxProbes', message: 'expected an integer >= 1', received: 0 }]);
  });

  it('reports every offending option at once, joined by "; "', () => {
    const error = configErrorFrom(() => circuitBreaker(raw({ name: '', recoveryTimeout: 'soon', maxProbes: 0 })));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      ['circuitBreaker.maxProbes', 'circuitBreaker.name', 'circuitBreaker.recoveryTimeout'].sort(),
    );
    expect(error.message.split('; ')).toHaveLength(3);
  });

  it('reports a cross-field issue alongside field issues', () => {
    const error = configErrorFrom(() => circuitBreaker(raw({ name: 'db', recoveryTimeout: '1m', maxProbes: 0, backoff: { maxRecoveryTimeout: '10s' } })));
    expect(error.issues.map((issue) => issue.path)).toEqual(['circuitBreaker.maxProbes', 'circuitBreaker.backoff.maxRecoveryTimeout']);
  });

  it('rejects options that are not an object', () => {
    for (const options of [undefined, null, 'db', 42]) {
      const error = configErrorFrom(() => circuitBreaker(options as unknown as CircuitBreakerOptions));
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]!.path).toBe('circuitBreaker');
      expect(error.issues[0]!.received).toBe(options);
    }
  });

  it('reports unknown keys on the object that holds them, never as a silent no-op', () => {
    const error = configErrorFrom(() => circuitBreaker(raw({ name: 'db', recoveryTimout: '10s' })));
    expect(error.issues).toEqual([
      { path: 'circuitBreaker', message: 'unknown option recoveryTimout', received: { name: 'db', recoveryTimout: '10s' } },
    ]);
  });

  it('a rejected restore() leaves the live breaker as it was', () => {
    // A failed restore must be all-or-nothing: it throws, and the counts recorded so far stay.
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 5, failureRate: { threshold: 1 } } });
    for (let i = 0; i < 3; i++) (breaker.acquire() as Permit).failure(new Error('down'));
    const before = breaker.snapshot();
    expect(before.consecutiveFailures).toBe(3);
    const state = breaker.toJSON();
    const misfit = { ...state, strategies: [{ condition: 'consecutiveFailures', data: [1] }, { condition: 'failureRate', data: [9] }] };
    expect(() => breaker.restore(misfit as unknown as CircuitBreakerState)).toThrow(ConfigError);
    expect(breaker.snapshot()).toEqual(before);
  });

  it('rejects saved time-window state whose current slice is not finite', () => {
    // toJSON() never produces +Infinity; accepting it leaves a window that never slides.
    const saved = timeWindowState as unknown as { strategies: { condition: string; data: number[] }[] };
    const data = [Number.POSITIVE_INFINITY, ...saved.strategies[0]!.data.slice(1)];
    const garbage = { ...timeWindowState, strategies: [{ condition: 'failureRate', data }] };
    const error = configErrorFrom(() => circuitBreaker({ name: 'db', trip: timeWindowTrip, initialState: garbage as unknown as CircuitBreakerState }));
    expect(error.issues[0]!.path).toBe('circuitBreaker.initialState');
  });
});

describe('circuitBreaker(): zero and boundary values are honoured, never replaced by a default', () => {
  type Case = readonly [label: string, options: CircuitBreakerOptions<unknown>, read: (breaker: CircuitBreaker<unknown>) => unknown, expected: unknown];
  const fr = (breaker: CircuitBreaker<unknown>) => breaker.options.trip.failureRate!;

  const cases: readonly Case[] = [
    ['recoveryTimeout 0', { name: 'db', recoveryTimeout: 0 }, (b) => b.options.recoveryTimeout, 0],
    ["recoveryTimeout '0s'", { name: 'db', recoveryTimeout: '0s' }, (b) => b.options.recoveryTimeout, 0],
    ['minimumCalls 0', { name: 'db', trip: { failureRate: { threshold: 0.5, minimumCalls: 0 } } }, (b) => fr(b).minimumCalls, 0],
    ['minimumCalls equal to the window size', { name: 'db', trip: { failureRate: { threshold: 0.5, minimumCalls: 7, window: { type: 'count', size: 7 } } } }, (b) => fr(b).minimumCalls, 7],
    ['threshold 1', { name: 'db', trip: { failureRate: { threshold: 1 } } }, (b) => fr(b).threshold, 1],
    ['threshold 0.0001', { name: 'db', trip: { failureRate: { threshold: 0.0001 } } }, (b) => fr(b).threshold, 0.0001],
    ['backoff multiplier 1', { name: 'db', backoff: { multiplier: 1 } }, (b) => b.options.backoff?.multiplier, 1],
    ['maxRecoveryTimeout equal to recoveryTimeout', { name: 'db', recoveryTimeout: '10s', backoff: { maxRecoveryTimeout: 10_000 } }, (b) => b.options.backoff?.maxRecoveryTimeout, 10_000],
    ['buckets 1', { name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'time', buckets: 1 } } } }, (b) => fr(b).window, { type: 'time', duration: 60_000, buckets: 1 }],
    ['window size 1', { name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'count', size: 1 } } } }, (b) => fr(b).window, { type: 'count', size: 1 }],
    ['window size 1 caps the default minimumCalls', { name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'count', size: 1 } } } }, (b) => fr(b).minimumCalls, 1],
    ['consecutiveFailures 1', { name: 'db', trip: { consecutiveFailures: 1 } }, (b) => b.options.trip, { consecutiveFailures: 1 }],
    ['maxProbes 10000', { name: 'db', maxProbes: 10_000 }, (b) => b.options.maxProbes, 10_000],
    ['successThreshold 1', { name: 'db', successThreshold: 1 }, (b) => b.options.successThreshold, 1],
    ["recoveryTimeout '1.5s'", { name: 'db', recoveryTimeout: '1.5s' }, (b) => b.options.recoveryTimeout, 1_500],
    ["recoveryTimeout '2m'", { name: 'db', recoveryTimeout: '2m' }, (b) => b.options.recoveryTimeout, 120_000],
    ["probeTimeout '250ms'", { name: 'db', probeTimeout: '250ms' }, (b) => b.options.probeTimeout, 250],
    ["timeout '1h'", { name: 'db', timeout: '1h' }, (b) => b.options.timeout, 3_600_000],
    ["timeout '1d'", { name: 'db', timeout: '1d' }, (b) => b.options.timeout, 86_400_000],
    ["timeout '2 h'", { name: 'db', timeout: '2 h' }, (b) => b.options.timeout, 7_200_000],
    ['timeout 1 (ms)', { name: 'db', timeout: 1 }, (b) => b.options.timeout, 1],
    ["window duration '1.5m'", { name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'time', duration: '1.5m' } } } }, (b) => fr(b).window, { type: 'time', duration: 90_000, buckets: 10 }],
    ["slowCallDuration '250ms'", { name: 'db', trip: { slowCallRate: { threshold: 0.5, slowCallDuration: '250ms' } } }, (b) => b.options.trip.slowCallRate?.slowCallDuration, 250],
    ["maxRecoveryTimeout '1d'", { name: 'db', backoff: { maxRecoveryTimeout: '1d' } }, (b) => b.options.backoff, { multiplier: 2, maxRecoveryTimeout: 86_400_000 }],
    ['a 200-character name', { name: 'n'.repeat(200) }, (b) => b.name, 'n'.repeat(200)],
  ];

  it.each(cases)('%s', (_label, options, read, expected) => {
    const breaker = circuitBreaker(options);
    expect(read(breaker)).toEqual(expected);
  });

  it('recoveryTimeout 0: the very next call after tripping is a probe', () => {
    const clock = new ManualClock(5_000);
    const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: 0, trip: { consecutiveFailures: 1 } });
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().retryAfterMs).toBe(0);

    const probe = breaker.acquire();
    expect(probe).toMatchObject({ admitted: true });
    expect(breaker.state).toBe('half-open');
    // maxProbes 1: a second caller is turned away while the probe runs.
    expect(breaker.acquire()).toMatchObject({ admitted: false, reason: 'half-open-full' });
    (probe as Permit).success();
    expect(breaker.state).toBe('closed');
  });

  it('recoveryTimeout 0 with execute(): the call after the trip runs as a probe', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: 0, trip: { consecutiveFailures: 1 } });
    await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    await expect(breaker.execute(() => 'ok')).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('minimumCalls 0 judges the rate from the first call', () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), trip: { failureRate: { threshold: 1, minimumCalls: 0 } } });
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
  });

  it('the default minimumCalls (10) holds back a 100 % failure rate until 10 calls', () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), trip: { failureRate: { threshold: 1 } } });
    for (let i = 0; i < 9; i++) (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('closed');
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
  });

  it('threshold 1 trips only when every call in the window failed', () => {
    const breaker = circuitBreaker({
      name: 'db',
      clock: new ManualClock(),
      trip: { failureRate: { threshold: 1, minimumCalls: 2, window: { type: 'count', size: 2 } } },
    });
    (breaker.acquire() as Permit).success();
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('closed');
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
  });

  it('window size 1 trips on a single failure', () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), trip: { failureRate: { threshold: 0.5, window: { type: 'count', size: 1 } } } });
    (breaker.acquire() as Permit).success();
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
  });

  it('buckets 1: the whole window expires at once', () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({
      name: 'db',
      clock,
      trip: { failureRate: { threshold: 1, minimumCalls: 2, window: { type: 'time', duration: '10s', buckets: 1 } } },
    });
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.snapshot().calls).toBe(1);
    clock.advance(10_000);
    expect(breaker.snapshot().calls).toBe(0);
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('closed');
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
  });

  it('backoff multiplier 1 keeps the open period at recoveryTimeout after failed probes', () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: '10s', backoff: { multiplier: 1 }, trip: { consecutiveFailures: 1 } });
    (breaker.acquire() as Permit).failure(new Error('down'));
    for (let reopen = 0; reopen < 3; reopen++) {
      expect(breaker.snapshot().retryAfterMs).toBe(10_000);
      clock.advance(10_000);
      (breaker.acquire() as Permit).failure(new Error('still down'));
      expect(breaker.state).toBe('open');
    }
    expect(breaker.snapshot().retryAfterMs).toBe(10_000);
  });

  it('the default backoff multiplier doubles the open period up to maxRecoveryTimeout', () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: '10s', backoff: { maxRecoveryTimeout: '30s' }, trip: { consecutiveFailures: 1 } });
    (breaker.acquire() as Permit).failure(new Error('down'));
    const openFor: number[] = [];
    for (let reopen = 0; reopen < 4; reopen++) {
      const retryAfterMs = breaker.snapshot().retryAfterMs;
      openFor.push(retryAfterMs);
      clock.advance(retryAfterMs);
      (breaker.acquire() as Permit).failure(new Error('still down'));
    }
    expect(openFor).toEqual([10_000, 20_000, 30_000, 30_000]);
  });

  it('a timeout longer than a 32-bit timer (~24.8 days) is honoured or rejected, never fired at once', async () => {
    // Node clamps setTimeout delays above 2^31-1 ms to 1 ms. A '30d' timeout must not time calls out at once.
    let breaker: CircuitBreaker;
    try {
      breaker = circuitBreaker({ name: 'db', timeout: '30d' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]!.path).toBe('circuitBreaker.timeout');
      return;
    }
    const result = await breaker.execute(() => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 30)));
    expect(result).toBe('done');
    breaker.close();
  });
});

describe('resolved options', () => {
  const isDeepFrozen = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return true;
    if (!Object.isFrozen(value)) return false;
    return Object.values(value).every(isDeepFrozen);
  };

  it('are deeply frozen plain data', () => {
    const breaker = circuitBreaker({
      name: 'db',
      clock: new ManualClock(),
      trip: {
        consecutiveFailures: 3,
        failureRate: { threshold: 0.5, window: { type: 'time', duration: '30s' } },
        slowCallRate: { threshold: 0.8, slowCallDuration: '2s', window: { type: 'count', size: 20 } },
      },
      backoff: { multiplier: 3 },
    });
    expect(Object.isFrozen(breaker.options)).toBe(true);
    for (const [key, value] of Object.entries(breaker.options)) {
      if (key !== 'clock') expect(isDeepFrozen(value), key).toBe(true);
    }
    const clock = breaker.options.clock;
    expect(Object.isFrozen(breaker.options.trip.failureRate!.window)).toBe(true);
    expect(Object.isFrozen(breaker.options.backoff)).toBe(true);
    // Injected class instances are left as the caller made them.
    expect(clock).toBeInstanceOf(ManualClock);
    expect(Object.isFrozen(clock)).toBe(false);
    expect(() => {
      (breaker.options as { maxProbes: number }).maxProbes = 5;
    }).toThrow(TypeError);
  });

  it('do not freeze what the caller passed in', () => {
    const trip = { consecutiveFailures: 3 };
    circuitBreaker({ name: 'db', trip });
    expect(Object.isFrozen(trip)).toBe(false);
  });

  it('leave a plain-object clock as the caller made it', () => {
    // parse-options.ts says "stores, clocks and other injected objects stay as the caller made them".
    const clock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined, label: 'fake' } satisfies Clock & { label: string };
    const breaker = circuitBreaker({ name: 'db', clock });
    expect(breaker.options.clock).toBe(clock);
    expect(Object.isFrozen(clock)).toBe(false);
  });

  it('leave a plain-object store as the caller made it', () => {
    const store = {
      shared: false,
      boundBreakers: 0,
      bindBreaker(binding: Parameters<BreakerStateStore['bindBreaker']>[0]) {
        this.boundBreakers++;
        return memoryBreakerStateStore.bindBreaker(binding);
      },
    };
    const breaker = circuitBreaker({ name: 'db', store });
    expect(breaker.options.store).toBe(store);
    expect(Object.isFrozen(store)).toBe(false);
    expect(store.boundBreakers).toBe(1);
  });

  it("leave the caller's initialState object unfrozen", () => {
    const saved = JSON.parse(JSON.stringify(consecutiveState)) as CircuitBreakerState;
    circuitBreaker({ name: 'db', initialState: saved });
    expect(Object.isFrozen(saved)).toBe(false);
  });

  it('default to what options-schema.ts declares (breakerDefaults)', () => {
    const breaker = circuitBreaker({ name: 'db' });
    expect(breaker.options).toEqual({
      name: 'db',
      trip: { consecutiveFailures: breakerDefaults.consecutiveFailures },
      recoveryTimeout: breakerDefaults.recoveryTimeoutMs,
      maxProbes: breakerDefaults.maxProbes,
      successThreshold: breakerDefaults.successThreshold,
      probeTimeout: breakerDefaults.probeTimeoutMs,
      clock: systemClock,
    });
    expect(breaker.options.backoff).toBeUndefined();
    expect(breaker.options.timeout).toBeUndefined();
    expect(breaker.options.store).toBeUndefined();
    expect(breaker.options.clock).toBe(systemClock);
  });

  it('default values match the documented @defaults', () => {
    expect(breakerDefaults).toEqual({
      consecutiveFailures: 5,
      windowSize: 100,
      windowDurationMs: 60_000,
      windowBuckets: 10,
      minimumCalls: 10,
      recoveryTimeoutMs: 30_000,
      backoffMultiplier: 2,
      maxRecoveryTimeoutMs: 300_000,
      maxProbes: 1,
      successThreshold: 1,
      probeTimeoutMs: 30_000,
    });
  });

  it('default a rate condition to a count window of 100 and minimumCalls 10', () => {
    const breaker = circuitBreaker({ name: 'db', trip: { failureRate: { threshold: 0.5 } } });
    expect(breaker.options.trip).toEqual({
      failureRate: { threshold: 0.5, minimumCalls: breakerDefaults.minimumCalls, window: { type: 'count', size: breakerDefaults.windowSize } },
    });
  });

  it('default a count window of the default size when only its type is given', () => {
    const breaker = circuitBreaker({ name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'count' } } } });
    expect(breaker.options.trip.failureRate).toEqual({ threshold: 0.5, minimumCalls: 10, window: { type: 'count', size: 100 } });
  });

  it('default a time window to 60 s in 10 buckets and minimumCalls 10', () => {
    const breaker = circuitBreaker({ name: 'db', trip: { slowCallRate: { threshold: 0.5, slowCallDuration: '1s', window: { type: 'time' } } } });
    expect(breaker.options.trip.slowCallRate).toEqual({
      threshold: 0.5,
      slowCallDuration: 1_000,
      minimumCalls: breakerDefaults.minimumCalls,
      window: { type: 'time', duration: breakerDefaults.windowDurationMs, buckets: breakerDefaults.windowBuckets },
    });
  });

  it('default minimumCalls to a count window size below 10', () => {
    const breaker = circuitBreaker({ name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'count', size: 4 } } } });
    expect(breaker.options.trip.failureRate!.minimumCalls).toBe(4);
  });

  it('default backoff {} to multiplier 2 and maxRecoveryTimeout 5 minutes', () => {
    const breaker = circuitBreaker({ name: 'db', backoff: {} });
    expect(breaker.options.backoff).toEqual({ multiplier: breakerDefaults.backoffMultiplier, maxRecoveryTimeout: breakerDefaults.maxRecoveryTimeoutMs });
  });

  it('keep an explicit trip without adding the default consecutiveFailures', () => {
    const breaker = circuitBreaker({ name: 'db', trip: { failureRate: { threshold: 0.5 } } });
    expect(breaker.options.trip.consecutiveFailures).toBeUndefined();
  });

  it('keep the functions and objects passed in, by identity', () => {
    const isFailure = (): boolean => true;
    const fallback = (): string => 'cached';
    const clock = new ManualClock();
    const breaker = circuitBreaker({ name: 'db', isFailure, fallback, clock, store: memoryBreakerStateStore });
    expect(breaker.options.isFailure).toBe(isFailure);
    expect(breaker.options.fallback).toBe(fallback);
    expect(breaker.options.clock).toBe(clock);
    expect(breaker.options.store).toBe(memoryBreakerStateStore);
  });

  it('are not shared between breakers', () => {
    const a = circuitBreaker({ name: 'a', trip: { failureRate: { threshold: 0.5 } } });
    const b = circuitBreaker({ name: 'b', trip: { failureRate: { threshold: 0.9 } } });
    expect(a.options.trip.failureRate!.threshold).toBe(0.5);
    expect(b.options.trip.failureRate!.threshold).toBe(0.9);
    expect(a.name).toBe('a');
    expect(b.name).toBe('b');
  });
});
