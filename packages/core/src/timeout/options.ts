import type { Clock } from '../clock/clock.js';
import type { Duration } from '../config/duration.js';
import type { TimeoutStrategy } from './timeout-runner.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Names the policy in registries, events and errors. @default 'timeout' */
  readonly name?: string;
  /** The deadline of each call, from when `execute` is called. Must be > 0. */
  readonly duration: Duration;
  /**
   * `aggressive` rejects with `TimeoutError` at the deadline even if the function ignores its signal;
   * `cooperative` aborts the signal and waits for the function to settle. @default 'aggressive'
   */
  readonly strategy?: TimeoutStrategy;
  /** @default systemClock */
  readonly clock?: Clock;
}
