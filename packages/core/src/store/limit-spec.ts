/**
 * The plain-data description of one limit that a {@link Store} runs. Specs are JSON-safe so that a
 * remote store can hand them to a script. `id` names the limit's key space: two specs with the same
 * `id` share state for the same key, so policies derive it from their own name and the limit's.
 *
 * Every number is a non-negative integer below 2^53 (the options schemas check the products each
 * algorithm needs), which is what makes each algorithm's arithmetic exact in JavaScript and in Lua.
 */
export type LimitSpec = TokenBucketSpec | GcraSpec | SlidingWindowSpec | FixedWindowSpec | CalendarWindowSpec;

/** The algorithms a {@link LimitSpec} can name. */
export type AlgorithmName = LimitSpec['algorithm'];

/** Fields every spec has. */
interface SpecBase {
  /** The limit's key space, e.g. `api:per-client`. */
  readonly id: string;
}

/** A bucket of `capacity` tokens refilled continuously with `refillRate` tokens per `refillIntervalMs`. */
export interface TokenBucketSpec extends SpecBase {
  readonly algorithm: 'token-bucket';
  readonly capacity: number;
  readonly refillRate: number;
  readonly refillIntervalMs: number;
}

/** The generic cell rate algorithm: `limit` per `periodMs` on average, at most `burst` at once. */
export interface GcraSpec extends SpecBase {
  readonly algorithm: 'gcra';
  readonly limit: number;
  readonly periodMs: number;
  readonly burst: number;
}

/** At most about `limit` in any `windowMs`: the current fixed window plus the previous one, weighted. */
export interface SlidingWindowSpec extends SpecBase {
  readonly algorithm: 'sliding-window';
  readonly limit: number;
  readonly windowMs: number;
}

/** At most `limit` per window of `windowMs`, windows aligned to the Unix epoch. */
export interface FixedWindowSpec extends SpecBase {
  readonly algorithm: 'fixed-window';
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * At most `limit` in the window `[windowStart, windowEnd)`, whose bounds the caller computes (a
 * calendar hour, day, week or month in a time zone); `windowStart <= now < windowEnd`.
 */
export interface CalendarWindowSpec extends SpecBase {
  readonly algorithm: 'calendar-window';
  readonly limit: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/**
 * The limit a spec's decisions report (`Decision.limit`): a token bucket's capacity, GCRA's burst,
 * a window's limit. A store whose replies leave the limit out (to keep them short) fills it in from this.
 *
 * @example
 * ```ts
 * limitOf({ id: 'api', algorithm: 'gcra', limit: 10, periodMs: 1000, burst: 20 }); // 20
 * ```
 */
export function limitOf(spec: LimitSpec): number {
  return spec.algorithm === 'token-bucket' ? spec.capacity : spec.algorithm === 'gcra' ? spec.burst : spec.limit;
}
