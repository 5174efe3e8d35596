import type { Clock, TimerHandle } from './clock.js';

/** Node fires any timer longer than this (about 24.8 days) after 1 ms; longer waits are chained. */
const maxTimerDelayMs = 2_147_483_647;

/** A handle that survives re-arming, for waits longer than one native timer can hold. */
interface LongTimer {
  native: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The real clock: the one file in `@breakwater/core` allowed to read `Date.now` and the global timers.
 * Its timers are unref'd so that an idle policy never keeps a process alive, and delays longer than
 * a native timer allows (about 24.8 days) are honoured instead of firing at once.
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
    if (!(delayMs > maxTimerDelayMs)) return unref(setTimeout(callback, delayMs));
    const dueAt = Date.now() + delayMs;
    const timer: LongTimer = { native: undefined };
    const arm = (): void => {
      const remainingMs = dueAt - Date.now();
      timer.native = unref(
        remainingMs > maxTimerDelayMs ? setTimeout(arm, maxTimerDelayMs) : setTimeout(callback, Math.max(0, remainingMs)),
      );
    };
    arm();
    return timer;
  },
  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'object' && handle !== null && 'native' in handle) {
      clearTimeout((handle as LongTimer).native);
      return;
    }
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
});

function unref<T>(handle: T): T {
  // Node returns a Timeout object; other runtimes return a number and have nothing to unref.
  if (typeof handle === 'object' && handle !== null && 'unref' in handle) (handle as { unref(): void }).unref();
  return handle;
}
