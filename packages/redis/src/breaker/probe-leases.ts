import type { Clock } from '@breakwater/core';
import type { SharedLease } from './shared-lease.js';

/**
 * The probe leases one instance asks for or holds. Asking is bounded here: with `maxProbes` leases
 * requested or held by this instance, further calls are rejected without a round trip (Redis would
 * refuse them anyway). A lease past its deadline no longer counts, settled or not.
 */
export class ProbeLeases {
  #requests = 0;
  #held: SharedLease[] = [];
  readonly #clock: Clock;
  readonly #maxProbes: number;

  constructor(clock: Clock, maxProbes: number) {
    this.#clock = clock;
    this.#maxProbes = maxProbes;
  }

  /** Whether this instance may ask Redis for one more lease now. */
  get canAsk(): boolean {
    return this.#requests + this.#live() < this.#maxProbes;
  }

  asked(): void {
    this.#requests++;
  }

  /** A request was answered (`lease` when granted) or failed. */
  answered(lease?: SharedLease): void {
    this.#requests--;
    if (lease !== undefined) this.#held.push(lease);
  }

  /** The lease was settled; false when it is not one held here (already settled or dropped). */
  release(lease: SharedLease): boolean {
    const index = this.#held.indexOf(lease);
    if (index < 0) return false;
    this.#held.splice(index, 1);
    return true;
  }

  /** Forgets every lease (they expire in Redis). */
  clear(): void {
    this.#held = [];
  }

  #live(): number {
    if (this.#held.length === 0) return 0;
    const now = this.#clock.now();
    this.#held = this.#held.filter((lease) => lease.deadline > now);
    return this.#held.length;
  }
}
