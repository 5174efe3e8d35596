import { LocalBreakerState } from '../circuit-breaker/local-breaker-state.js';
import type { BreakerBinding, BreakerStateHandle, BreakerStateStore } from './breaker-state-store.js';

/**
 * The default breaker state store: each breaker keeps its state in its own process.
 *
 * @example
 * ```ts
 * const breaker = circuitBreaker({ name: 'search', store: memoryBreakerStateStore });
 * ```
 */
export const memoryBreakerStateStore: BreakerStateStore = Object.freeze({
  shared: false,
  bindBreaker(binding: BreakerBinding): BreakerStateHandle {
    return new LocalBreakerState(binding);
  },
});
