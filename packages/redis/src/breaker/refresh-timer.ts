import type { Clock, TimerHandle } from '@breakwater/core';

/**
 * Calls `read` when nothing refreshed the view for `intervalMs`: one timer, armed for the instant the
 * view goes stale (`syncedAt() + intervalMs`), so that a busy breaker whose replies keep the view
 * current sends no extra read. Unref'd (the clock's timers never keep a process alive); `close()` clears it.
 */
export class RefreshTimer {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #syncedAt: () => number;
  readonly #read: () => void;
  #timer: TimerHandle | undefined;

  constructor(clock: Clock, intervalMs: number, syncedAt: () => number, read: () => void) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#syncedAt = syncedAt;
    this.#read = read;
    this.#arm(intervalMs);
  }

  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delayMs: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      const dueIn = this.#syncedAt() + this.#intervalMs - this.#clock.now();
      if (dueIn > 0) {
        this.#arm(dueIn);
        return;
      }
      this.#read();
      this.#arm(this.#intervalMs);
    }, delayMs);
  }
}
