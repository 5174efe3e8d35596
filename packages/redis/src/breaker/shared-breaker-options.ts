import { type ConfigIssue, type Duration, parseDuration } from '@breakwater/core';

/** How breakers bound to a `RedisStore` share their state (the `breaker` option of `RedisStore`). */
export interface SharedBreakerOptions {
  /**
   * `'batched'`: each instance sends its closed-state outcomes in one script per `flushInterval` (or
   * sooner, once `flushSize` failed or slow outcomes wait); `'exact'`: one script per call, so the
   * shared window sees every outcome in the order Redis receives it. @default 'batched'
   */
  readonly outcomes?: 'batched' | 'exact';
  /** Longest an outcome waits in a batch: the extra detection delay of batched mode. @default '100ms' */
  readonly flushInterval?: Duration;
  /** Failed or slow outcomes that send a batch at once (successes cannot trip, so they never do). @default 100 */
  readonly flushSize?: number;
  /** Longest a lost notification can leave an instance's view stale: the view is re-read when nothing refreshed it for this long. @default '1s' */
  readonly refreshInterval?: Duration;
  /** TTL of a breaker's keys, renewed by every write: an unused breaker's state goes after it. @default '1d' */
  readonly keyTtl?: Duration;
}

/** {@link SharedBreakerOptions} with every default applied, durations in ms. */
export interface ResolvedSharedBreakerOptions {
  readonly outcomes: 'batched' | 'exact';
  readonly flushIntervalMs: number;
  readonly flushSize: number;
  readonly refreshIntervalMs: number;
  readonly keyTtlMs: number;
}

const defaults = { outcomes: 'batched', flushInterval: 100, flushSize: 100, refreshInterval: 1_000, keyTtl: 86_400_000 } as const;

/** Resolves the `breaker` option of `RedisStore`, adding an issue for each bad value. */
export function resolveSharedBreakerOptions(options: SharedBreakerOptions | undefined, issues: ConfigIssue[]): ResolvedSharedBreakerOptions {
  const bad = (path: string, message: string, received: unknown): void => {
    issues.push({ path: `RedisStore.breaker.${path}`, message, received });
  };
  const outcomes = options?.outcomes ?? defaults.outcomes;
  if (outcomes !== 'batched' && outcomes !== 'exact') bad('outcomes', "expected 'batched' or 'exact'", outcomes);
  const duration = (name: 'flushInterval' | 'refreshInterval' | 'keyTtl'): number => {
    const ms = parseDuration(options?.[name] ?? defaults[name]) ?? Number.NaN;
    if (!(ms >= 1)) bad(name, "expected a duration of at least 1 ms (ms, or a string such as '100ms')", options?.[name]);
    return ms;
  };
  const flushIntervalMs = duration('flushInterval');
  const flushSize = options?.flushSize ?? defaults.flushSize;
  if (!Number.isSafeInteger(flushSize) || flushSize < 1) bad('flushSize', 'expected an integer >= 1', flushSize);
  return Object.freeze({ outcomes, flushIntervalMs, flushSize, refreshIntervalMs: duration('refreshInterval'), keyTtlMs: duration('keyTtl') });
}
