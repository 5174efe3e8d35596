import type { Clock } from '../clock/clock.js';
import { parseOptions } from '../config/parse-options.js';
import { type ResolvedRetryBudgetOptions, type RetryBudgetOptions, retryBudgetOptionsSchema } from './budget-options.js';

/** A retry budget's figures at one instant. */
export interface RetryBudgetSnapshot {
  /** Recent calls (first attempts), weighted by age. */
  readonly calls: number;
  /** Recent retries, weighted by age. */
  readonly retries: number;
  /** Retries the budget would allow right now. */
  readonly available: number;
}

/**
 * Caps retries at a share of recent traffic, so that retries cannot multiply the load on a
 * dependency that is already failing (Finagle's and Envoy's retry budgets, the SRE book's 10 %). A
 * retry is allowed while `retries + 1 <= ratio × calls + minRetriesPerSecond × window`, where calls
 * and retries are counted with exponentially decaying weight e^(−age / window).
 *
 * Counting a call costs one increment: the clock is read only when a retry asks for permission,
 * and the calls counted since the last read are taken to have arrived evenly over that interval.
 * Build one with {@link retryBudget} to share it between retry policies that call one dependency.
 */
export class RetryBudget {
  /** Options after parsing: defaults applied, the window in milliseconds, frozen. */
  readonly options: ResolvedRetryBudgetOptions;
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #reserve: number;
  #calls = 0;
  #retries = 0;
  #pendingCalls = 0;
  #foldedAt: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.options = parseOptions('retryBudget', retryBudgetOptionsSchema, options);
    this.#clock = this.options.clock;
    this.#windowMs = this.options.window;
    this.#reserve = (this.options.minRetriesPerSecond * this.#windowMs) / 1_000;
    this.#foldedAt = this.#clock.now();
  }

  /** Counts one call (a first attempt). */
  recordCall(): void {
    this.#pendingCalls++;
  }

  /** Asks for one retry: true (and counted) when the budget allows it. */
  tryRetry(): boolean {
    this.#fold();
    if (this.#retries + 1 > this.#allowance()) return false;
    this.#retries += 1;
    return true;
  }

  snapshot(): RetryBudgetSnapshot {
    this.#fold();
    return { calls: this.#calls, retries: this.#retries, available: Math.max(0, Math.floor(this.#allowance() - this.#retries)) };
  }

  #allowance(): number {
    return this.options.ratio * this.#calls + this.#reserve;
  }

  /** Brings the decayed counts up to now. */
  #fold(): void {
    const now = this.#clock.now();
    const elapsed = now - this.#foldedAt;
    if (elapsed > 0) {
      const decay = Math.exp(-elapsed / this.#windowMs);
      // Calls counted since the last fold arrived somewhere in that interval: weigh them as if evenly spread.
      this.#calls = this.#calls * decay + (this.#pendingCalls * this.#windowMs * (1 - decay)) / elapsed;
      this.#retries *= decay;
      this.#foldedAt = now;
    } else {
      this.#calls += this.#pendingCalls;
    }
    this.#pendingCalls = 0;
  }
}

/**
 * Builds a {@link RetryBudget} to share between retry policies (pass it as their `budget`).
 *
 * @example
 * ```ts
 * import { retry, retryBudget } from '@breakwater/core';
 *
 * const paymentsBudget = retryBudget({ ratio: 0.1, minRetriesPerSecond: 5 });
 * const charge = retry({ name: 'charge', budget: paymentsBudget });
 * const refund = retry({ name: 'refund', budget: paymentsBudget });
 * ```
 */
export function retryBudget(options?: RetryBudgetOptions): RetryBudget {
  return new RetryBudget(options);
}
