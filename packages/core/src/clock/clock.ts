/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * The only way Breakwater reads time or schedules work. Every policy takes a `clock` option so that
 * tests drive time by hand ({@link ManualClock} in `@breakwater/core/testing`) instead of sleeping.
 *
 * @example
 * ```ts
 * import { systemClock } from '@breakwater/core';
 * const startedAt = systemClock.now();
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` after `delayMs`. Timers never keep the process alive. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}
