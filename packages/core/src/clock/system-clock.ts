import type { Clock, TimerHandle } from './clock.js';

/**
 * The real clock: the one file in `@breakwater/core` allowed to read `Date.now` and the global timers.
 * Its timers are unref'd so that an idle policy never keeps a process alive.
 *
 * @example
 * ```ts
 * import { circuitBreaker, systemClock } from '@breakwater/core';
 * const breaker = circuitBreaker({ name: 'payments', clock: systemClock });
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: (): number => Date.now(),
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = setTimeout(callback, delayMs);
    // Node returns a Timeout object; other runtimes return a number and have nothing to unref.
    if (typeof handle === 'object' && handle !== null && 'unref' in handle) handle.unref();
    return handle;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
});
