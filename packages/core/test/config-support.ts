// Helpers for the invalid-options tables of every policy's config tests.
import { expect, it } from 'vitest';
import { ConfigError, isBreakwaterError } from '../src/index.js';

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
