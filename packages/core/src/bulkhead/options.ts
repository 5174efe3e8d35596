import type { Clock } from '../clock/clock.js';
import type { Duration } from '../config/duration.js';

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Names the pool in registries, events and errors; routes that share a pool share this name. */
  readonly name: string;
  /** Calls allowed to run at once. */
  readonly maxConcurrent: number;
  /** Calls allowed to wait for a slot when every slot is taken; 0 rejects them at once. @default 0 */
  readonly maxQueue?: number;
  /**
   * How long a queued call may wait for a slot before it is rejected (reason `queue-timeout`).
   * Needs `maxQueue > 0`. Off unless given: a queued call then waits until a slot frees or its signal aborts.
   */
  readonly queueTimeout?: Duration;
  /** @default systemClock */
  readonly clock?: Clock;
}
