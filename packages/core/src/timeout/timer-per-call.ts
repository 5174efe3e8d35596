import type { Clock, TimerHandle } from '../clock/clock.js';
import type { DeadlineEntry, DeadlineScheduler } from './deadline-queue.js';

const timerOf: unique symbol = Symbol('breakwater.timer');

type TimedEntry = DeadlineEntry & { [timerOf]?: TimerHandle | undefined };

/**
 * One clock timer per entry, cleared when the entry is removed: `clock.pendingTimers` is then an exact
 * count of entries in flight. Costs about 0.5 µs more per entry than a {@link DeadlineQueue}; the
 * circuit breaker's `timeout` uses it, as its tests observe one pending timer per timed call.
 */
export class TimerPerCall<E extends DeadlineEntry> implements DeadlineScheduler<E> {
  readonly #clock: Clock;
  readonly #durationMs: number;
  readonly #onExpire: (entry: E) => void;
  readonly #entries = new Set<E>();

  constructor(clock: Clock, durationMs: number, onExpire: (entry: E) => void) {
    this.#clock = clock;
    this.#durationMs = durationMs;
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#entries.size;
  }

  add(entry: E): void {
    this.#entries.add(entry);
    (entry as TimedEntry)[timerOf] = this.#clock.setTimeout(() => {
      if (this.#entries.delete(entry)) this.#onExpire(entry);
    }, this.#durationMs);
  }

  remove(entry: E): boolean {
    if (!this.#entries.delete(entry)) return false;
    this.#clock.clearTimeout((entry as TimedEntry)[timerOf]);
    return true;
  }

  close(): void {
    for (const entry of this.#entries) this.#clock.clearTimeout((entry as TimedEntry)[timerOf]);
    this.#entries.clear();
  }
}
