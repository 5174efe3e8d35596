import type { Clock } from '../clock/clock.js';
import { parseOptions } from '../config/parse-options.js';
import type { Disposable } from '../events/disposable.js';
import type { Executable } from '../policy/admission.js';
import type { ObservablePolicy } from '../policy/observable-policy.js';
import { globalKey, Judgement } from '../rate-limit/decision.js';
import { PolicyEvents } from '../rate-limit/policy-events.js';
import { checkedCost, runAdmitted } from '../rate-limit/run-admitted.js';
import type { Decision } from '../store/decision.js';
import type { CalendarWindowSpec } from '../store/limit-spec.js';
import { guardedStore } from '../store/guarded-store.js';
import type { StoreFailure } from '../store/outage-guard.js';
import type { Store } from '../store/store.js';
import { createQuotaExceededError, QuotaPermit, QuotaRejection } from './admission.js';
import type { QuotaDecision, QuotaUsage } from './decision.js';
import type { QuotaAcquireOptions, QuotaExecuteOptions, QuotaOptions } from './options.js';
import { quotaOptionsSchema, type ResolvedQuotaOptions } from './options-schema.js';
import type { QuotaRejected, QuotaSnapshot } from './snapshot.js';
import { CalendarWindows } from './windows.js';

/** What a quota's `acquire()` returns. */
export type QuotaAdmission = QuotaPermit | QuotaRejection;

/** Separates the operation from the client in a store key. */
const operationSeparator = '\u001f';

/**
 * A calendar quota: so much per hour, day, week or month in a time zone, per client and per
 * operation. Build one with {@link quota}.
 */
export class Quota<TInput = unknown> implements ObservablePolicy<QuotaSnapshot> {
  readonly kind = 'quota' as const;
  readonly name: string;
  /** Options after parsing: defaults applied, frozen. */
  readonly options: ResolvedQuotaOptions;
  readonly #clock: Clock;
  readonly #store: Store;
  readonly #ownsStore: boolean;
  readonly #windows: CalendarWindows;
  readonly #events = new PolicyEvents<{ reject: QuotaRejected; storeFailure: StoreFailure }>('quota');
  #allowed = 0;
  #exceeded = 0;

  constructor(options: QuotaOptions<TInput>) {
    this.options = parseOptions('quota', quotaOptionsSchema, options);
    const resolved = this.options;
    this.name = resolved.name;
    this.#clock = resolved.clock;
    this.#ownsStore = resolved.store === undefined;
    this.#store = guardedStore(resolved.store, resolved.onStoreError, resolved.name, this.#events);
    this.#windows = new CalendarWindows(resolved.name, resolved.limits, resolved.timeZone, resolved.weekStartsOn);
  }

  /**
   * Charges one call for `input` to every window. Returns a permit (settling it records nothing) or a
   * rejection naming the exhausted window. Synchronous with a synchronous store.
   */
  acquire(input?: TInput, options?: QuotaAcquireOptions): QuotaAdmission | Promise<QuotaAdmission> {
    const judged = this.#consume(input as TInput, options?.cost);
    if (judged instanceof Promise) return judged.then((resolved) => this.#admission(resolved));
    return this.#admission(judged);
  }

  /** Runs `fn` if every window has room for the call; rejects with `QuotaExceededError` otherwise. */
  execute<T>(fn: Executable<T>, options?: QuotaExecuteOptions<TInput>): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    try {
      const judged = this.#consume(options?.input as TInput, options?.cost);
      if (judged instanceof Promise) return judged.then((resolved) => this.#run(resolved, fn, signal));
      return this.#run(judged, fn, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Each window's used, remaining and reset time for a client key (and operation), without charging. */
  async usage(key: string = globalKey, operation?: string): Promise<QuotaUsage> {
    const now = this.#clock.now();
    const storeKey = this.#storeKey(key, operation);
    const specs = this.#windows.specsAt(now);
    const decisions = await Promise.all(specs.map((spec) => this.#store.peek(spec, storeKey, now)));
    const windows = decisions.map((decision, i) => {
      const spec = specs[i] as CalendarWindowSpec;
      const { limit, remaining, resetAt } = decision;
      return { period: this.#windows.periods[i]!, limit, used: limit - remaining, remaining, windowStart: spec.windowStart, resetAt };
    });
    return { policy: this.name, key: storeKey, windows };
  }

  /** Forgets a client key's (and operation's) counts in every window: an operator's reset. */
  async reset(key: string = globalKey, operation?: string): Promise<void> {
    const storeKey = this.#storeKey(key, operation);
    await Promise.all(this.#windows.specsAt(this.#clock.now()).map((spec) => this.#store.reset(spec, storeKey)));
  }

  /**
   * Subscribes to store failures: each decision the store failed to make (error, timeout, connection
   * down), with what the quota did instead (`onStoreError`).
   */
  onStoreFailure(listener: (event: StoreFailure) => void): Disposable {
    return this.#events.subscribe('storeFailure', listener);
  }
  /** Subscribes to calls turned away. */
  onReject(listener: (event: QuotaRejected) => void): Disposable {
    return this.#events.subscribe('reject', listener);
  }

  /** Figures at this instant. */
  snapshot(): QuotaSnapshot {
    const { timeZone } = this.options;
    return {
      kind: 'quota',
      name: this.name,
      health: 'healthy',
      timeZone,
      periods: this.#windows.periods,
      allowed: this.#allowed,
      exceeded: this.#exceeded,
      store: this.#store.stats?.() ?? null,
    };
  }

  /** Clears subscriptions; forgets counts in a store it made itself. */
  close(): void {
    this.#events.clear();
    if (this.#ownsStore) void this.#store.close?.();
  }

  #consume(input: TInput, override: number | undefined): Judgement | Promise<Judgement> {
    const cost = this.#costOf(input, override);
    const key = this.#storeKey(this.#clientOf(input), this.#operationOf(input));
    const now = this.#clock.now();
    const specs = this.#windows.specsAt(now);
    if (specs.length === 1) {
      const decision = this.#store.consume(specs[0] as CalendarWindowSpec, key, cost, now);
      return decision instanceof Promise ? decision.then((d) => this.#judge(key, [d], now)) : this.#judge(key, [decision], now);
    }
    const keys = specs.map(() => key);
    const decisions = this.#store.consumeAll(specs, keys, cost, now);
    return decisions instanceof Promise ? decisions.then((d) => this.#judge(key, d, now)) : this.#judge(key, decisions, now);
  }

  #judge(key: string, decisions: readonly Decision[], now: number): Judgement {
    const judgement = new Judgement([key], decisions, now);
    if (judgement.allowed) this.#allowed++;
    else {
      this.#exceeded++;
      if (this.#events.has('reject')) this.#events.emit('reject', { policy: this.name, decision: this.#named(judgement)[judgement.index]! });
    }
    return judgement;
  }

  #admission(judgement: Judgement): QuotaAdmission {
    const decisions = this.#named(judgement);
    return judgement.allowed ? new QuotaPermit(this.name, decisions, judgement.index) : new QuotaRejection(this.name, decisions, judgement.index);
  }

  #run<T>(judgement: Judgement, fn: Executable<T>, signal: AbortSignal | undefined): Promise<T> {
    if (judgement.allowed) return runAdmitted(fn, signal);
    return Promise.reject(createQuotaExceededError(this.name, this.#named(judgement)[judgement.index]!));
  }

  #named(judgement: Judgement): QuotaDecision[] {
    const key = judgement.keys[0] as string;
    return judgement.decisions.map(({ allowed, limit, remaining, resetAt, retryAfterMs }, i) => {
      return { allowed, limit, remaining, resetAt, retryAfterMs, policy: this.name, period: this.#windows.periods[i]!, key };
    });
  }

  #costOf(input: TInput, override: number | undefined): number {
    const cost = override ?? this.options.cost;
    return checkedCost('quota', this.name, typeof cost === 'function' ? (cost as (input: TInput) => number)(input) : cost);
  }

  #clientOf(input: TInput): string {
    const key = this.options.key;
    if (key === undefined) return globalKey;
    const client = (key as (input: TInput) => unknown)(input);
    if (typeof client !== 'string') throw new TypeError(`quota "${this.name}": key() returned ${String(client)}; expected a string`);
    return client;
  }

  #operationOf(input: TInput): string | undefined {
    const operation = this.options.operation;
    if (typeof operation !== 'function') return operation;
    const name = (operation as (input: TInput) => unknown)(input);
    if (typeof name !== 'string') throw new TypeError(`quota "${this.name}": operation() returned ${String(name)}; expected a string`);
    return name;
  }

  #storeKey(client: string, operation: string | undefined): string {
    return operation === undefined ? client : `${operation}${operationSeparator}${client}`;
  }
}

/**
 * Builds a {@link Quota}. Options are validated once, here: a bad option (an unknown time zone, a
 * zero limit) throws `ConfigError` naming it and the value received.
 *
 * @example
 * ```ts
 * import { quota } from '@breakwater/core';
 *
 * const reports = quota({
 *   name: 'reports',
 *   limits: { hour: 1_000, day: 10_000 },
 *   timeZone: 'Europe/Berlin',
 *   key: (req: { apiKey: string }) => req.apiKey,
 *   operation: 'export',
 * });
 * const rows = await reports.execute(() => buildReport(), { input: req });
 * ```
 */
export function quota<TInput = unknown>(options: QuotaOptions<TInput>): Quota<TInput> {
  return new Quota(options);
}
