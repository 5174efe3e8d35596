import type { Clock, TimerHandle } from '../clock/clock.js';

interface ManualTimer {
  readonly id: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in due order (ties in creation order) while
 * {@link ManualClock.advance} moves time forward, so state machines can be tested without sleeping.
 *
 * @example
 * ```ts
 * import { ManualClock } from '@breakwater/core/testing';
 * const clock = new ManualClock(0);
 * const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: '30s' });
 * clock.advance(30_000);
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: ManualTimer[] = [];

  /** @param startMs - the initial time in epoch milliseconds (default 0). */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = { id: this.#nextId++, dueAt: this.#now + Math.max(0, delayMs), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order, synchronously. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: expected ms >= 0, received ${String(ms)}`);
    const target = this.#now + ms;
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#now = timer.dueAt;
      timer.callback();
    }
    this.#now = target;
  }

  /**
   * Like {@link ManualClock.advance}, but lets promise reactions run after every timer, so that code
   * awaiting a timer continues before the next one fires.
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advanceAsync: expected ms >= 0, received ${String(ms)}`);
    const target = this.#now + ms;
    await flushMicrotasks();
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#now = timer.dueAt;
      timer.callback();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Jumps to an absolute time (forward only), firing due timers. */
  set(timeMs: number): void {
    this.advance(timeMs - this.#now);
  }

  #nextDue(target: number): ManualTimer | undefined {
    let next: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueAt <= target && (!next || timer.dueAt < next.dueAt)) next = timer;
    }
    if (next) this.#timers.splice(this.#timers.indexOf(next), 1);
    return next;
  }
}

/** Resolves after pending promise reactions (several hops deep) have run. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
