import { describe, expect, it } from 'vitest';
import { BreakwaterError, circuitBreaker, ConfigError, ErrorCode, isBreakwaterError, parseDuration, type ConfigIssue } from '../src/index.js';

describe('parseDuration', () => {
  describe('numbers are milliseconds', () => {
    it.each([
      [0, 0],
      [1, 1],
      [1_000, 1_000],
      [1.5, 1.5],
      [30_000, 30_000],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ])('%s -> %s', (input, expected) => {
      expect(parseDuration(input)).toBe(expected);
    });
  });

  describe('strings with a unit', () => {
    it.each([
      ['0ms', 0],
      ['0s', 0],
      ['0.0s', 0],
      ['1ms', 1],
      ['250ms', 250],
      ['0.5ms', 0.5],
      ['1s', 1_000],
      ['30s', 30_000],
      ['1.5s', 1_500],
      ['0.1s', 100],
      ['0.001s', 1],
      ['1m', 60_000],
      ['2m', 120_000],
      ['1.5m', 90_000],
      ['1h', 3_600_000],
      ['1.0h', 3_600_000],
      ['0.5h', 1_800_000],
      ['1d', 86_400_000],
      ['7d', 604_800_000],
      ['2.5d', 216_000_000],
      ['001s', 1_000],
      ['00.5s', 500],
    ])('%j -> %s', (input, expected) => {
      expect(parseDuration(input)).toBe(expected);
    });
  });

  describe('spaces between and around number and unit', () => {
    it.each([
      ['30 s', 30_000],
      ['2 h', 7_200_000],
      ['10 ms', 10],
      ['1.5 m', 90_000],
      [' 30s', 30_000],
      ['30s ', 30_000],
      ['  30  s  ', 30_000],
      ['\t5s\n', 5_000],
    ])('%j -> %s', (input, expected) => {
      expect(parseDuration(input)).toBe(expected);
    });
  });

  describe('decimal strings give whole milliseconds where the value is whole', () => {
    // Multiplying the parsed float by the unit leaks binary rounding: '1.005s' must be 1005 ms, not 1004.9999999999999.
    it.each([
      ['1.005s', 1_005],
      ['1.001s', 1_001],
      ['4.35s', 4_350],
      ['1.1m', 66_000],
      ['0.1h', 360_000],
    ])('%j -> %s', (input, expected) => {
      expect(parseDuration(input)).toBe(expected);
    });
  });

  describe('anything else is undefined', () => {
    it.each([
      ['a negative number', -1],
      ['a tiny negative number', -0.001],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
      ['an empty string', ''],
      ['blank', '   '],
      ['garbage', 'abc'],
      ['a number string without unit', '10'],
      ['an unknown unit', '10 years'],
      ['a long unit name', '5sec'],
      ['a spelt-out unit', '5 minutes'],
      ['an upper-case unit', '5S'],
      ['an upper-case ms', '5MS'],
      ['microseconds', '5us'],
      ['weeks', '1w'],
      ['a negative string', '-5s'],
      ['a signed string', '+5s'],
      ['a leading dot', '.5s'],
      ['a trailing dot', '5.s'],
      ['exponent notation', '1e3ms'],
      ['a decimal comma', '1,5s'],
      ['digit separators', '1_000ms'],
      ['a compound duration', '1m30s'],
      ['a unit before the number', 's30'],
      ['a unit alone', 'ms'],
      ['two units', '5 m s'],
      ['hex', '0x10ms'],
      ['null', null],
      ['undefined', undefined],
      ['a boolean', true],
      ['a bigint', 10n],
      ['an object', {}],
      ['an array', ['5s']],
      ['a boxed number', Object(5) as unknown],
      ['a function', () => 5],
    ])('%s', (_label, input) => {
      expect(parseDuration(input)).toBeUndefined();
    });

    it('a string whose number overflows to Infinity is not a duration', () => {
      // parseDuration documents undefined for values that are not finite.
      expect(parseDuration(`1${'0'.repeat(400)}ms`)).toBeUndefined();
      expect(parseDuration(`${'9'.repeat(320)}d`)).toBeUndefined();
    });
  });

  it('accepts what the Duration type documents', () => {
    const durations = [1000, '250ms', '30s', '1.5m', '1h', '7d', '2 h'] as const;
    expect(durations.map((duration) => parseDuration(duration))).toEqual([1_000, 250, 30_000, 90_000, 3_600_000, 604_800_000, 7_200_000]);
  });
});

describe('ConfigError', () => {
  const issue = (received: unknown): ConfigIssue => ({ path: 'circuitBreaker.option', message: 'expected something', received });
  const rendered = (received: unknown): string => new ConfigError([issue(received)]).message;

  it('is a BreakwaterError with code ERR_INVALID_CONFIG and no policy', () => {
    const error = new ConfigError([issue(1)]);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(BreakwaterError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.code).toBe('ERR_INVALID_CONFIG');
    expect(error.policy).toBeUndefined();
    expect(isBreakwaterError(error)).toBe(true);
    expect(isBreakwaterError(error, 'ERR_INVALID_CONFIG')).toBe(true);
    expect(isBreakwaterError(error, 'ERR_CIRCUIT_OPEN')).toBe(false);
  });

  it('keeps the issues as given', () => {
    const issues: ConfigIssue[] = [issue(1), { path: 'circuitBreaker.other', message: 'expected more', received: 'x' }];
    const error = new ConfigError(issues);
    expect(error.issues).toEqual(issues);
  });

  it('formats each issue as "path: message, received value", joined by "; "', () => {
    const error = new ConfigError([
      { path: 'circuitBreaker.maxProbes', message: 'expected an integer >= 1', received: 0 },
      { path: 'circuitBreaker.name', message: 'expected a non-empty string', received: '' },
    ]);
    expect(error.message).toBe(
      'circuitBreaker.maxProbes: expected an integer >= 1, received 0; circuitBreaker.name: expected a non-empty string, received ""',
    );
  });

  describe('renders the received value', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;

    it.each([
      ['a string, quoted', 'abc', '"abc"'],
      ['an empty string', '', '""'],
      ['a string with quotes, escaped', 'a"b', '"a\\"b"'],
      ['a number', 42, '42'],
      ['a negative number', -1.5, '-1.5'],
      ['NaN', Number.NaN, 'NaN'],
      ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
      ['a large number', 1e300, '1e+300'],
      ['a boolean', false, 'false'],
      ['null', null, 'null'],
      ['undefined', undefined, 'undefined'],
      ['a bigint', 10n, '10n'],
      ['a symbol', Symbol('db'), 'Symbol(db)'],
      ['a function', () => 1, 'a function'],
      ['a class', class Store {}, 'a function'],
      ['an empty array', [], 'an array of 0'],
      ['an array', [1, 2, 3], 'an array of 3'],
      ['an empty object', {}, '{}'],
      ['a small object, as JSON', { type: 'sliding', size: 3 }, '{"type":"sliding","size":3}'],
      ['an object without prototype', Object.create(null) as object, '{}'],
      ['a circular object', circular, 'an object'],
      ['an object holding a bigint', { big: 1n }, 'an object'],
      ['an object whose toJSON returns undefined', { toJSON: () => undefined }, 'an object'],
      ['a Date, as its JSON', new Date(0), '"1970-01-01T00:00:00.000Z"'],
    ])('%s', (_label, received, expected) => {
      expect(rendered(received)).toBe(`circuitBreaker.option: expected something, received ${expected}`);
    });

    it('truncates large objects to 80 characters', () => {
      const big = { long: 'y'.repeat(100) };
      const text = rendered(big).slice('circuitBreaker.option: expected something, received '.length);
      expect(text).toHaveLength(80);
      expect(text.endsWith('...')).toBe(true);
      expect(text).toBe(`${JSON.stringify(big).slice(0, 77)}...`);
    });

    it('keeps an object of exactly 80 characters whole', () => {
      const exact = { k: 'z'.repeat(80 - '{"k":""}'.length) };
      expect(JSON.stringify(exact)).toHaveLength(80);
      expect(rendered(exact)).toBe(`circuitBreaker.option: expected something, received ${JSON.stringify(exact)}`);
    });
  });

  describe('from circuitBreaker()', () => {
    const errorOf = (options: unknown): ConfigError => {
      try {
        circuitBreaker(options as never);
      } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
      }
      throw new Error('expected a ConfigError');
    };

    it('gives issues with exactly path, message and received', () => {
      const error = errorOf({ name: 'db', maxProbes: 0 });
      expect(error.issues).toHaveLength(1);
      expect(Object.keys(error.issues[0]!).sort()).toEqual(['message', 'path', 'received']);
      expect(error.issues[0]).toEqual({ path: 'circuitBreaker.maxProbes', message: 'expected an integer >= 1', received: 0 });
    });

    it('has a "received" key even when nothing was received', () => {
      const error = errorOf({});
      expect(error.issues[0]).toHaveProperty('received');
      expect(error.issues[0]!.received).toBeUndefined();
      expect(error.message).toBe('circuitBreaker.name: expected a non-empty string, received undefined');
    });

    it('paths start with the factory name and join nested keys with dots', () => {
      const error = errorOf({ name: 'db', trip: { failureRate: { threshold: 0.5, window: { type: 'time', buckets: 0 } } } });
      expect(error.issues.map((i) => i.path)).toEqual(['circuitBreaker.trip.failureRate.window.buckets']);
    });

    it.each([
      ['a symbol name', { name: Symbol('db') }, 'circuitBreaker.name', 'Symbol(db)'],
      ['a bigint maxProbes', { name: 'db', maxProbes: 10n }, 'circuitBreaker.maxProbes', '10n'],
      ['an array trip', { name: 'db', trip: [1, 2] }, 'circuitBreaker.trip', 'an array of 2'],
      ['a function threshold', { name: 'db', trip: { failureRate: { threshold: () => 0.5 } } }, 'circuitBreaker.trip.failureRate.threshold', 'a function'],
      ['a Date timeout', { name: 'db', timeout: new Date(0) }, 'circuitBreaker.timeout', '"1970-01-01T00:00:00.000Z"'],
      ['a huge duration string', { name: 'db', recoveryTimeout: `${'9'.repeat(30)}d` }, 'circuitBreaker.recoveryTimeout', `"${'9'.repeat(30)}d"`],
    ])('renders %s', (_label, options, path, shown) => {
      const error = errorOf(options);
      expect(error.issues.map((i) => i.path)).toContain(path);
      expect(error.message).toContain(`${path}: `);
      expect(error.message).toContain(`received ${shown}`);
    });

    it('renders a received injected object by its JSON, truncated', () => {
      const clock = { description: 'a fake clock without methods '.repeat(5), ticks: 0 };
      const error = errorOf({ name: 'db', clock });
      const text = error.message.slice(error.message.indexOf('received ') + 'received '.length);
      expect(text).toHaveLength(80);
      expect(text.startsWith('{"description":"a fake clock')).toBe(true);
    });

    it('the duration message tells what a duration looks like', () => {
      const error = errorOf({ name: 'db', recoveryTimeout: '30 sec' });
      expect(error.issues[0]!.message).toBe('expected a duration (milliseconds, or a string like "30s")');
      expect(errorOf({ name: 'db', probeTimeout: 'x' }).issues[0]!.message).toBe('expected a duration > 0 (milliseconds, or a string like "30s")');
    });

    it('a duration past the largest safe integer names the bound', () => {
      const error = errorOf({ name: 'db', recoveryTimeout: `${'9'.repeat(30)}d` });
      expect(error.issues[0]!.message).toBe(`expected a duration of at most ${Number.MAX_SAFE_INTEGER} ms`);
    });

    it('issues can be serialised for logs', () => {
      const error = errorOf({ name: '', maxProbes: 0 });
      expect(JSON.parse(JSON.stringify(error.issues))).toEqual([
        { path: 'circuitBreaker.name', message: 'expected a non-empty string', received: '' },
        { path: 'circuitBreaker.maxProbes', message: 'expected an integer >= 1', received: 0 },
      ]);
    });
  });
});
