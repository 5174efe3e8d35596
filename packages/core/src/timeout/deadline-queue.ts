import type { Clock, TimerHandle } from '../clock/clock.js';

/** Link fields of a {@link DeadlineEntry}: symbol-keyed, so they never show on a user-visible context. */
export const deadlineAt: unique symbol = Symbol('breakwater.deadlineAt');
export const previousEntry: unique symbol = Symbol('breakwater.previousEntry');
export const nextEntry: unique symbol = Symbol('breakwater.nextEntry');

/** Something waiting for a deadline; linked in place, so queueing it allocates nothing. */
export interface DeadlineEntry {
  [deadlineAt]: number;
  [previousEntry]: DeadlineEntry | undefined;
  [nextEntry]: DeadlineEntry | undefined;
}

/** Schedules one deadline per entry and calls back when it passes. */
export interface DeadlineScheduler<E extends DeadlineEntry> {
  /** Entries scheduled and not yet expired or removed. */
  readonly size: number;
  add(entry: E): void;
  /** Cancels an entry's deadline; false when it was not scheduled (expired or removed already). */
  remove(entry: E): boolean;
  /** Clears every timer; entries still scheduled never expire. */
  close(): void;
}

/**
 * Deadlines that all lie the same duration after their entry was added, so that insertion order is
 * deadline order: a FIFO list with ONE timer, armed for the oldest entry. Adding reads the clock and
 * links the entry; removing unlinks it; neither touches the timer (about 0.5 µs per call saved over
 * a timer per entry). When the timer fires it expires every entry due and re-arms for the next, so
 * it fires at most once per duration while entries keep finishing early.
 *
 * With `durationMs` undefined it is a plain FIFO list whose entries never expire.
 */
export class DeadlineQueue<E extends DeadlineEntry> implements DeadlineScheduler<E> {
  readonly #clock: Clock;
  readonly #durationMs: number | undefined;
  readonly #onExpire: (entry: E) => void;
  readonly #onTimer = (): void => this.#fire();
  #head: E | undefined;
  #tail: E | undefined;
  #size = 0;
  #timer: TimerHandle | undefined;
  #timerDueAt = Number.POSITIVE_INFINITY;

  constructor(clock: Clock, durationMs: number | undefined, onExpire: (entry: E) => void) {
    this.#clock = clock;
    this.#durationMs = durationMs;
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#size;
  }

  /** The oldest entry, or undefined. */
  get first(): E | undefined {
    return this.#head;
  }

  add(entry: E): void {
    const tail = this.#tail;
    entry[previousEntry] = tail;
    entry[nextEntry] = undefined;
    if (tail === undefined) this.#head = entry;
    else tail[nextEntry] = entry;
    this.#tail = entry;
    this.#size++;
    const durationMs = this.#durationMs;
    if (durationMs === undefined) return;
    const dueAt = this.#clock.now() + durationMs;
    entry[deadlineAt] = dueAt;
    // An armed timer due no later than this entry will get to it (insertion order is deadline order).
    if (dueAt < this.#timerDueAt) this.#arm(dueAt, durationMs);
  }

  remove(entry: E): boolean {
    const previous = entry[previousEntry] as E | undefined;
    const next = entry[nextEntry] as E | undefined;
    if (previous === undefined && this.#head !== entry) return false;
    if (previous === undefined) this.#head = next;
    else previous[nextEntry] = next;
    if (next === undefined) this.#tail = previous;
    else next[previousEntry] = previous;
    entry[previousEntry] = undefined;
    entry[nextEntry] = undefined;
    this.#size--;
    return true;
  }

  /** Removes and returns the oldest entry. */
  shift(): E | undefined {
    const head = this.#head;
    if (head !== undefined) this.remove(head);
    return head;
  }

  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
  }

  #arm(dueAt: number, delayMs: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerDueAt = dueAt;
    this.#timer = this.#clock.setTimeout(this.#onTimer, Math.max(0, delayMs));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    for (let head = this.#head; head !== undefined && head[deadlineAt] <= now; head = this.#head) {
      this.remove(head);
      this.#onExpire(head);
    }
    // An expiry callback may have added entries (and armed a timer for them) meanwhile.
    const head = this.#head;
    if (head !== undefined && head[deadlineAt] < this.#timerDueAt) this.#arm(head[deadlineAt], head[deadlineAt] - now);
  }
}
