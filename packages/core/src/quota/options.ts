import type { Clock } from '../clock/clock.js';
import type { ExecuteOptions } from '../policy/admission.js';
import type { StoreErrorMode } from '../store/outage-guard.js';
import type { Store } from '../store/store.js';

/** How much each calendar window allows; give at least one. */
export interface QuotaLimits {
  readonly hour?: number;
  readonly day?: number;
  readonly week?: number;
  readonly month?: number;
}

/** Options of {@link quota}. */
export interface QuotaOptions<TInput = unknown> {
  /** Names the quota in registries, errors and store keys. */
  readonly name: string;
  /** The cost allowed per calendar window, e.g. `{ hour: 1_000, day: 10_000 }`; a call must fit them all. */
  readonly limits: QuotaLimits;
  /** The IANA time zone whose calendar the windows follow (`'Europe/Berlin'`). @default 'UTC' */
  readonly timeZone?: string;
  /** The day weeks start on: 0 = Sunday, 1 = Monday … 6 = Saturday. @default 1 */
  readonly weekStartsOn?: number;
  /** The client counted (an API key, an account). Without it the quota is global. */
  readonly key?: (input: TInput) => string;
  /** Counts each operation separately (a name or a route group): a fixed name, or a function of the input. */
  readonly operation?: string | ((input: TInput) => string);
  /** Cost of a call, or a function of the input; a per-call `cost` wins. @default 1 */
  readonly cost?: number | ((input: TInput) => number);
  /** Where counts live. @default a new `MemoryStore` for this quota */
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

/** Options of one quota `acquire()`. */
export interface QuotaAcquireOptions {
  /** This call's cost; overrides the quota's `cost`. */
  readonly cost?: number;
}

/** Options of one quota `execute()`: the caller's signal, the input, and the cost. */
export interface QuotaExecuteOptions<TInput = unknown> extends ExecuteOptions {
  /** What key, operation and cost functions receive. */
  readonly input?: TInput;
  /** This call's cost; overrides the quota's `cost`. */
  readonly cost?: number;
}
