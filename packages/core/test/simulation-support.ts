/**
 * Helpers shared by the fault-tolerance policy tests (bulkhead, timeout, retry, fallback, pipeline)
 * and the deterministic simulation: a seeded random source, settling helpers and the runner of
 * invalid-option tables.
 */
import { expect, it } from 'vitest';
import { ConfigError, isBreakwaterError } from '../src/index.js';

/** mulberry32: a tiny seeded PRNG returning numbers in [0, 1). Same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The promise's value or the error it rejected with. */
export async function settle<T>(promise: PromiseLike<T>): Promise<T | unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

/** Tracks a promise's outcome without awaiting it. */
export function track<T>(promise: PromiseLike<T>): { state: 'pending' | 'resolved' | 'rejected'; value: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; value: unknown } = { state: 'pending', value: undefined };
  promise.then(
    (value) => Object.assign(outcome, { state: 'resolved', value }),
    (error: unknown) => Object.assign(outcome, { state: 'rejected', value: error }),
  );
  return outcome;
}

/** A promise settled from outside. */
export function deferred<T = unknown>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function configErrorFrom(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ConfigError, but the options were accepted');
}

/** One row of an invalid-options table. */
export interface InvalidCase {
  /** Options passed to the factory (the point is the runtime check, so they are untyped). */
  readonly options: unknown;
  /** The exact dotted path of the issue expected among `error.issues`. */
  readonly path: string;
  /** The value expected as `issue.received`. */
  readonly received: unknown;
  /** How the message renders the received value (after `received `). */
  readonly shown: string;
  /** Extra text the issue's message must contain. */
  readonly hint?: string;
}

/** Runs an invalid-options table: every row throws a ConfigError naming its path and the value received. */
export function itRejectsInvalidOptions(build: (options: never) => unknown, cases: Record<string, InvalidCase>): void {
  it.each(Object.entries(cases))('%s', (_label, testCase) => {
    const error = configErrorFrom(() => build(testCase.options as never));
    expect(isBreakwaterError(error, 'ERR_INVALID_CONFIG')).toBe(true);
    const issue = error.issues.find((candidate) => candidate.path === testCase.path);
    expect(issue, `issues: ${JSON.stringify(error.issues.map((i) => i.path))}`).toBeDefined();
    expect(issue!.received).toEqual(testCase.received);
    if (testCase.hint !== undefined) expect(issue!.message).toContain(testCase.hint);
    expect(error.message).toContain(`${testCase.path}: `);
    expect(error.message).toContain(`received ${testCase.shown}`);
  });
}

/** True when every own property, deep, is frozen (functions and class instances excepted). */
export function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}
