import type { Clock } from '../clock/clock.js';
import { parseOptions } from '../config/parse-options.js';
import { RetryExhaustedError, type RetryExhaustedReason } from '../errors/retry-exhausted-error.js';
import type { Disposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';
import type { ExecuteOptions } from '../policy/admission.js';
import type { ObservablePolicy } from '../policy/observable-policy.js';
import { type AbortSource, onAbort, sourceOf } from '../timeout/abort-scope.js';
import { nextDelay } from './backoff.js';
import { RetryBudget } from './budget.js';
import { AttemptContext, type RetryContext } from './context.js';
import type { RetryGaveUp, RetryScheduled } from './events.js';
import type { RetryOptions } from './options.js';
import { type ResolvedRetryOptions, retryOptionsSchema } from './options-schema.js';
import type { RetryOutcome } from './retry-after.js';
import type { RetrySnapshot } from './snapshot.js';

/**
 * Runs a call again when it fails, waiting between attempts by a backoff (or by what the failure's
 * `Retry-After` asks), within `maxAttempts` and a retry budget. Build one with {@link retry}.
 */
export class Retry implements ObservablePolicy<RetrySnapshot> {
  readonly kind = 'retry' as const;
  readonly name: string;
  /** Options after parsing: defaults applied, durations in milliseconds, frozen. */
  readonly options: ResolvedRetryOptions;
  /** The budget retries draw from, or undefined without one. */
  readonly budget: RetryBudget | undefined;
  readonly #clock: Clock;
  #retries = 0;
  #gaveUp = 0;
  /** Created on first subscription: a policy nobody observes carries no emitters. */
  #onRetry: Emitter<RetryScheduled> | undefined;
  #onGiveUp: Emitter<RetryGaveUp> | undefined;

  constructor(options: RetryOptions = {}) {
    this.options = parseOptions('retry', retryOptionsSchema, options);
    this.name = this.options.name;
    this.#clock = this.options.clock;
    const budget = this.options.budget;
    this.budget = budget === false ? undefined : budget instanceof RetryBudget ? budget : new RetryBudget({ ...budget, clock: this.#clock });
  }

  /**
   * Runs `fn`, retrying it while it fails with a retryable error (or returns a retryable result), up
   * to `maxAttempts` attempts. Rejects with {@link RetryExhaustedError} (`lastError`, `attempts`) once
   * attempts or budget run out on an error; resolves with the last result when they run out on a
   * result. Errors `retryIf` declines, and anything after the caller's signal aborts, pass unchanged.
   */
  async execute<T>(fn: (context: RetryContext) => T | PromiseLike<T>, options?: ExecuteOptions): Promise<T> {
    const source = sourceOf(options);
    this.budget?.recordCall();
    let delayMs = this.options.backoff.initialDelay;
    for (let attempt = 1; ; attempt++) {
      let result: T;
      try {
        result = await fn(new AttemptContext(attempt, source));
      } catch (error) {
        if (source?.aborted === true || !asks(this.options.retryIf, error, attempt)) throw error;
        const next = this.#plan(attempt, { ok: false, error }, delayMs);
        if (typeof next === 'string') throw new RetryExhaustedError(this.name, next, attempt, error);
        delayMs = next;
        await this.#wait(delayMs, source);
        continue;
      }
      const retryIfResult = this.options.retryIfResult;
      if (retryIfResult === undefined || source?.aborted === true || !asks(retryIfResult, result, attempt)) return result;
      const next = this.#plan(attempt, { ok: true, result }, delayMs);
      if (typeof next === 'string') return result;
      delayMs = next;
      await this.#wait(delayMs, source);
    }
  }

  /** Subscribes to each scheduled retry. */
  onRetry(listener: (event: RetryScheduled) => void): Disposable {
    this.#onRetry ??= new Emitter('retry.onRetry');
    return this.#onRetry.subscribe(listener);
  }

  /** Subscribes to calls given up on. */
  onGiveUp(listener: (event: RetryGaveUp) => void): Disposable {
    this.#onGiveUp ??= new Emitter('retry.onGiveUp');
    return this.#onGiveUp.subscribe(listener);
  }

  /** Figures at this instant. */
  snapshot(): RetrySnapshot {
    const budget = this.budget?.snapshot() ?? null;
    return {
      kind: 'retry',
      name: this.name,
      health: budget !== null && budget.available < 1 ? 'degraded' : 'healthy',
      retries: this.#retries,
      gaveUp: this.#gaveUp,
      budget,
    };
  }

  /** Drops every subscription. Waits between attempts are bounded (`maxDelay`, `retryAfter.max`) and never keep the process alive. */
  close(): void {
    this.#onRetry?.clear();
    this.#onGiveUp?.clear();
  }

  /** The wait before the next attempt, or why there is none (after reporting it). */
  #plan(attempt: number, outcome: RetryOutcome, previousMs: number): number | RetryExhaustedReason {
    if (attempt >= this.options.maxAttempts) return this.#giveUp('max-attempts', attempt, outcome);
    if (this.budget !== undefined && !this.budget.tryRetry()) return this.#giveUp('budget', attempt, outcome);
    const delayMs = this.#delay(attempt, outcome, previousMs);
    this.#retries++;
    const emitter = this.#onRetry;
    if (emitter?.hasListeners === true) emitter.emit({ policy: this.name, attempt, delayMs, outcome });
    return delayMs;
  }

  #delay(attempt: number, outcome: RetryOutcome, previousMs: number): number {
    const retryAfter = this.options.retryAfter;
    if (retryAfter !== false) {
      const askedMs = retryAfter.read(outcome, this.#clock.now());
      if (typeof askedMs === 'number' && askedMs >= 0) return Math.min(askedMs, retryAfter.max);
    }
    return nextDelay(this.options.backoff, attempt, previousMs, this.options.random);
  }

  #giveUp(reason: RetryExhaustedReason, attempts: number, outcome: RetryOutcome): RetryExhaustedReason {
    this.#gaveUp++;
    const emitter = this.#onGiveUp;
    if (emitter?.hasListeners === true) emitter.emit({ policy: this.name, attempts, reason, outcome });
    return reason;
  }

  /** Waits `delayMs`, or rejects with the abort reason as soon as the caller's source aborts. */
  #wait(delayMs: number, source: AbortSource | undefined): Promise<void> {
    if (source?.aborted === true) return Promise.reject(source.reason);
    return new Promise((resolve, reject) => {
      // The source has not aborted (checked above), so the listener cannot run before `timer` is set.
      const stopListening =
        source === undefined
          ? undefined
          : onAbort(source, () => {
              this.#clock.clearTimeout(timer);
              reject(source.reason);
            });
      const timer = this.#clock.setTimeout(() => {
        stopListening?.();
        resolve();
      }, delayMs);
    });
  }
}

/** Runs a user predicate; one that throws declines the retry rather than hiding the outcome it judged. */
function asks(predicate: (value: never, attempt: number) => boolean, value: unknown, attempt: number): boolean {
  try {
    return (predicate as (value: unknown, attempt: number) => boolean)(value, attempt) === true;
  } catch {
    return false;
  }
}

/**
 * Builds a {@link Retry} policy. Options are validated once, here: a bad option throws
 * {@link ConfigError} naming it and the value received.
 *
 * @example
 * ```ts
 * import { isTransient, retry } from '@breakwater/core';
 *
 * const upstream = retry({
 *   name: 'catalog',
 *   maxAttempts: 4,
 *   backoff: { type: 'exponential', initialDelay: '200ms', maxDelay: '5s', jitter: 'decorrelated' },
 *   retryIf: isTransient,
 *   retryIfResult: isTransient,
 *   budget: { ratio: 0.1, minRetriesPerSecond: 5 },
 * });
 * const response = await upstream.execute(({ signal, attempt }) => fetch(url, { signal, headers: { 'x-attempt': String(attempt) } }));
 * ```
 */
export function retry(options?: RetryOptions): Retry {
  return new Retry(options);
}
