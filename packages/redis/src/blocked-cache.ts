import type { Decision } from '@breakwater/core';

interface Blocked {
  /** Local instant until which the same cost stays refused. */
  readonly until: number;
  readonly limit: number;
  readonly resetAt: number;
}

/**
 * Keys known to be refused until an instant, so that a client that is already limited costs no round
 * trip. Only refusals of cost 1 are kept, and only cost 1 is answered from them: until the refusal's
 * `retryAfterMs` runs out, every algorithm keeps `remaining` at 0 and `resetAt` where it was, and no
 * caller can bring that instant closer (a refused call charges nothing), so the cached answer is the
 * one Redis would give. A `reset()` from another process is seen when the entry
 * runs out. Bounded: the oldest entry goes first.
 */
export class BlockedCache {
  readonly #entries = new Map<string, Blocked>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The refusal to answer for `id` at local instant `now`, or `undefined` to ask Redis. */
  get(id: string, cost: number, now: number): Decision | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(id);
      return undefined;
    }
    if (cost !== 1) return undefined;
    return { allowed: false, limit: entry.limit, remaining: 0, resetAt: entry.resetAt, retryAfterMs: entry.until - now };
  }

  /** Remembers `decision` (a refusal of `cost` decided at local instant `now`) when it can be reused. */
  remember(id: string, cost: number, now: number, decision: Decision): void {
    if (decision.allowed || cost !== 1 || decision.remaining !== 0 || decision.limit < 1 || decision.retryAfterMs < 1) return;
    if (this.#max === 0) return;
    if (this.#entries.size >= this.#max && !this.#entries.has(id)) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    const until = now + decision.retryAfterMs;
    this.#entries.set(id, { until, limit: decision.limit, resetAt: decision.resetAt });
  }

  /** Forgets `id`. */
  delete(id: string): void {
    this.#entries.delete(id);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
