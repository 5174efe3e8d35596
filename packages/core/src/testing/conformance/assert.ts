/**
 * The few assertions the conformance cases make, with no test framework behind them: a failed one
 * throws an `Error` naming what was expected and what was found, which every framework reports.
 * The semantics follow vitest's matchers of the same names, for plain data.
 */

/** Assertions on one value; `label` (a step, an instant) prefixes the failure message. */
export interface Assertion {
  /** The same value (`Object.is`). */
  toBe(expected: unknown): void;
  /** Deeply equal plain data; properties whose value is `undefined` are ignored. */
  toEqual(expected: unknown): void;
  /** Every property of `expected` matches, recursively; arrays match element-wise with equal length. */
  toMatchObject(expected: object): void;
  toHaveLength(length: number): void;
  toBeGreaterThan(bound: number): void;
}

/**
 * Starts an assertion on `actual`.
 *
 * @example
 * ```ts
 * assertThat(decision, 'step 3').toMatchObject({ allowed: false, remaining: 0 });
 * ```
 */
export function assertThat(actual: unknown, label?: string): Assertion {
  const check = (pass: boolean, matcher: string, expected: unknown, found = show(actual)): void => {
    if (!pass) throw new Error(`${label === undefined ? '' : `${label}: `}expected ${found} ${matcher} ${show(expected)}`);
  };
  return {
    toBe: (expected) => check(Object.is(actual, expected), 'to be', expected),
    toEqual: (expected) => check(equal(actual, expected), 'to equal', expected),
    toMatchObject: (expected) => check(matches(actual, expected), 'to match', expected),
    toHaveLength: (length) => {
      const found = (actual as { length?: unknown } | null | undefined)?.length;
      check(found === length, 'to be', length, `length ${show(found)}`);
    },
    toBeGreaterThan: (bound) => check(typeof actual === 'number' && actual > bound, 'to be greater than', bound),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The keys of an object whose values are not `undefined`, as vitest's `toEqual` counts them. */
const definedKeys = (value: Record<string, unknown>): string[] => Object.keys(value).filter((key) => value[key] !== undefined);

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  const keys = definedKeys(a);
  return keys.length === definedKeys(b).length && keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
}

function matches(actual: unknown, expected: unknown): boolean {
  if (!isObject(expected) || !isObject(actual)) return equal(actual, expected);
  if (Array.isArray(expected) || Array.isArray(actual)) {
    return Array.isArray(expected) && Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => matches(actual[i], item));
  }
  return Object.keys(expected).every((key) => key in actual && matches(actual[key], expected[key]));
}

/** A JSON-like rendering that keeps what JSON loses: `undefined`, `NaN`, `Infinity`, `-0`. */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).map(([key, item]) => `${key}: ${show(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value) ?? String(value);
}
