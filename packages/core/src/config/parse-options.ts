import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';

/**
 * Parses options once with a zod schema, throwing a {@link ConfigError} that names every offending
 * path (prefixed with `root`, the factory name) and the value received there. The result is
 * deep-frozen: resolved options never change after construction.
 */
export function parseOptions<S extends z.ZodType>(root: string, schema: S, input: unknown): Readonly<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return freezeParsed(result.data, referencesIn(input));
  const issues: ConfigIssue[] = result.error.issues.map((issue) => toConfigIssue(root, issue, input));
  throw new ConfigError(issues);
}

function toConfigIssue(root: string, issue: z.core.$ZodIssue, input: unknown): ConfigIssue {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  return {
    path: [root, ...path].join('.'),
    message: humanMessage(issue),
    received: valueAt(input, path),
  };
}

function humanMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * Freezes the plain data the schema built. Objects passed through from the input (a clock, a store,
 * saved state) belong to the caller and stay as the caller made them.
 */
function freezeParsed<T>(value: T, callerOwned: ReadonlySet<object>): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || callerOwned.has(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  for (const key of Object.keys(value)) freezeParsed((value as Record<string, unknown>)[key], callerOwned);
  return Object.freeze(value);
}

/** Every object reachable from the caller's input (cycle-safe). */
function referencesIn(input: unknown, found = new Set<object>()): Set<object> {
  if (typeof input !== 'object' || input === null || found.has(input)) return found;
  found.add(input);
  for (const key of Object.keys(input)) referencesIn((input as Record<string, unknown>)[key], found);
  return found;
}
