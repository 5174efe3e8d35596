import type { Clock } from '../clock/clock.js';
import type { Duration } from '../config/duration.js';
import type { ExecuteOptions } from '../policy/admission.js';
import type { StoreErrorMode } from '../store/outage-guard.js';
import type { Store } from '../store/store.js';

/** Fields every limit has. */
interface LimitBase<TInput> {
  /** Names the limit in decisions, errors, events and store keys; unique within the policy. @default `limit-<n>` (1-based) */
  readonly name?: string;
  /**
   * The key the limit counts under, from the input: an IP, an API key, a user id. Without it the limit
   * is global: one count shared by every input.
   */
  readonly key?: (input: TInput) => string;
}

/** A token bucket: bursts up to `capacity`, refilled continuously. The default algorithm. */
export interface TokenBucketLimit<TInput = unknown> extends LimitBase<TInput> {
  /** @default 'token-bucket' */
  readonly algorithm?: 'token-bucket';
  /** Tokens the bucket holds: the largest burst. */
  readonly capacity: number;
  /** Tokens added per `refillInterval`. */
  readonly refillRate: number;
  /** @default '1s' */
  readonly refillInterval?: Duration;
}

/** GCRA: `limit` per `period` on average, at most `burst` at once; state is one timestamp per key. */
export interface GcraLimit<TInput = unknown> extends LimitBase<TInput> {
  readonly algorithm: 'gcra';
  readonly limit: number;
  readonly period: Duration;
  /** Requests admitted at once from a fresh key. @default limit */
  readonly burst?: number;
}

/** A sliding-window counter: about `limit` per `window`, smoothing fixed windows' boundary bursts. */
export interface SlidingWindowLimit<TInput = unknown> extends LimitBase<TInput> {
  readonly algorithm: 'sliding-window';
  readonly limit: number;
  readonly window: Duration;
}

/** A fixed window: `limit` per `window`, windows aligned to the Unix epoch. */
export interface FixedWindowLimit<TInput = unknown> extends LimitBase<TInput> {
  readonly algorithm: 'fixed-window';
  readonly limit: number;
  readonly window: Duration;
}

/** One limit of a {@link RateLimitOptions}. */
export type LimitOptions<TInput = unknown> = TokenBucketLimit<TInput> | GcraLimit<TInput> | SlidingWindowLimit<TInput> | FixedWindowLimit<TInput>;

/** Wait for capacity instead of refusing at once. */
export interface DelayOptions {
  /** Longest a call waits; a call that would wait longer is refused at once. @default '1s' */
  readonly maxWait?: Duration;
  /** Calls waiting at once, over every key; more are refused at once (`queue-full`). @default 100 */
  readonly maxQueue?: number;
}

/** Options of {@link rateLimit}. */
export interface RateLimitOptions<TInput = unknown> {
  /** Names the policy in registries, events, errors and store keys. */
  readonly name: string;
  /** Every limit a call must pass; a call is admitted only when all admit it. */
  readonly limits: readonly LimitOptions<TInput>[];
  /** Cost of a call (a weight), or a function of the input; a per-call `cost` wins. @default 1 */
  readonly cost?: number | ((input: TInput) => number);
  /** Inputs never limited (and never counted): keys matched against every limit's key, or a predicate. */
  readonly allow?: readonly string[] | ((input: TInput) => boolean);
  /** Inputs always refused (reason `denied`): keys or a predicate. Checked before `allow`. */
  readonly deny?: readonly string[] | ((input: TInput) => boolean);
  /** Decide, count and emit events, but never refuse or delay a call (a dark launch). @default false */
  readonly shadow?: boolean;
  /** Wait for capacity (FIFO per key) instead of refusing at once. Off unless given. */
  readonly delay?: DelayOptions;
  /** Where counts live. @default a new `MemoryStore` for this policy */
  readonly store?: Store;
  /**
   * What happens when the store fails (an error, a timeout, a connection that is down); never a 429.
   * `failOpen` admits the call, `failClosed` rejects it with `StoreUnavailableError`
   * (`ERR_STORE_UNAVAILABLE`, a 503 over HTTP), `local` decides on an in-memory store in this process
   * until the store answers again. Every failure is reported through `onStoreFailure`.
   * @default 'failOpen'
   */
  readonly onStoreError?: StoreErrorMode;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** Options of one `acquire()`. */
export interface RateLimitAcquireOptions {
  /** This call's cost; overrides the policy's `cost`. */
  readonly cost?: number;
  /** Cancels a call waiting in the delay queue. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of one `execute()`: the caller's signal, the input for key functions, and the cost. */
export interface RateLimitExecuteOptions<TInput = unknown> extends ExecuteOptions {
  /** What key, cost, allow and deny functions receive. */
  readonly input?: TInput;
  /** This call's cost; overrides the policy's `cost`. */
  readonly cost?: number;
}
