import { type BreakerBinding, type BreakerStateHandle, type BreakerTicket, type CircuitBreakerState, memoryBreakerStateStore } from '@breakwater/core';
import type { Summary } from './summary.js';

const generationSpan = 2 ** 32;

/**
 * The in-process breaker an instance runs on while Redis cannot be reached: the same options, its
 * own counts, seeded with the last shared state this instance saw. Tickets it hands out are made
 * negative and carry the fallback's generation, so that a ticket of an earlier episode (or of the
 * shared state) never settles into this one.
 */
export class LocalFallback {
  readonly handle: BreakerStateHandle;
  readonly #generation: number;

  constructor(binding: BreakerBinding, generation: number, last: Summary, offset: number) {
    this.#generation = generation;
    this.handle = memoryBreakerStateStore.bindBreaker({ spec: binding.spec, clock: binding.clock, onStateChange: binding.onStateChange });
    this.handle.restore(seedState(this.handle.toJSON(), last, offset));
  }

  admit(): BreakerTicket | null {
    const ticket = this.handle.admit() as BreakerTicket | null;
    return typeof ticket === 'number' ? -(this.#generation * generationSpan + ticket) - 1 : ticket;
  }

  /** Settles a ticket this fallback handed out; any other ticket is ignored. */
  settle(ticket: BreakerTicket, settlement: Parameters<BreakerStateHandle['settle']>[1], flags: number): void {
    if (typeof ticket !== 'number') {
      this.handle.settle(ticket, settlement, flags);
      return;
    }
    const value = -ticket - 1;
    if (Math.floor(value / generationSpan) === this.#generation) this.handle.settle(value % generationSpan, settlement, flags);
  }
}

/** The last shared state as saved state of the local breaker (times moved to the local clock). */
function seedState(empty: CircuitBreakerState, last: Summary, offset: number): CircuitBreakerState {
  const halfOpen = last.state === 'half-open';
  return {
    ...empty,
    state: halfOpen ? 'open' : (last.state as CircuitBreakerState['state']),
    stateChangedAt: last.changedAt - offset,
    openUntil: (halfOpen ? last.changedAt : last.openUntil) - offset,
    reopenCount: last.reopenCount,
    lastFailureAt: last.lastFailureAt < 0 ? null : last.lastFailureAt - offset,
    strategies: empty.strategies.map((strategy) =>
      strategy.condition === 'consecutiveFailures' ? { ...strategy, data: [last.consecutiveFailures] } : strategy,
    ),
  };
}
