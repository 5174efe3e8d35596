import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/** One problem found in a set of options. */
export interface ConfigIssue {
  /** Dotted path of the option, starting with the factory name, e.g. `circuitBreaker.trip.failureRate.threshold`. */
  readonly path: string;
  /** What was expected. */
  readonly message: string;
  /** The value received at that path. */
  readonly received: unknown;
}

/**
 * Thrown at construction when options are invalid. Its message names every offending option and the
 * value received; `issues` holds them as data.
 *
 * @example
 * ```ts
 * try { circuitBreaker({ name: 'db', maxProbes: 0 }); }
 * catch (error) { if (error instanceof ConfigError) console.error(error.issues[0]?.path); }
 * ```
 */
export class ConfigError extends BreakwaterError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(ErrorCode.InvalidConfig, issues.map(formatIssue).join('; '));
    this.issues = issues;
  }
}

function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}, received ${describeValue(issue.received)}`;
}

/** Renders a received value for an error message without dumping large objects. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return 'an object';
  }
}
