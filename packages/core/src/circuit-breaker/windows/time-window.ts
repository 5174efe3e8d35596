import { Outcome, type OutcomeFlags, type WindowFigures } from '../outcome.js';
import type { OutcomeWindow } from './outcome-window.js';

/**
 * The outcomes of the last `durationMs`, kept in `buckets` slices. Slices are rotated lazily from the
 * timestamps passed in, so an idle breaker costs no timer; a rotation clears at most `buckets` slices.
 * The window covers the current slice plus the `buckets - 1` before it.
 */
export class TimeWindow implements OutcomeWindow {
  readonly needsTime = true;
  readonly #sliceMs: number;
  readonly #calls: Float64Array;
  readonly #failures: Float64Array;
  readonly #slowCalls: Float64Array;
  #currentSlice = Number.NEGATIVE_INFINITY;
  /**
   * Cache of the current slice: its slot, and the instants between which a time surely falls in it
   * (see {@link TimeWindow.#moveTo}); empty until the first slice.
   */
  #currentSlot = 0;
  #surelyFromMs = Number.POSITIVE_INFINITY;
  #surelyUntilMs = Number.NEGATIVE_INFINITY;
  #totalCalls = 0;
  #totalFailures = 0;
  #totalSlowCalls = 0;

  get shape(): string {
    return `time:${this.#sliceMs * this.#calls.length}/${this.#calls.length}`;
  }

  constructor(durationMs: number, buckets: number) {
    this.#sliceMs = durationMs / buckets;
    this.#calls = new Float64Array(buckets);
    this.#failures = new Float64Array(buckets);
    this.#slowCalls = new Float64Array(buckets);
  }

  record(flags: OutcomeFlags, nowMs: number): void {
    // The time-in-slice check is written out here, not in a helper: kept this small, `record` is
    // inlined into the breaker's `execute`, where a call would box `nowMs` (too big for a small
    // integer) on the heap every time.
    const slot = nowMs >= this.#surelyFromMs && nowMs < this.#surelyUntilMs ? this.#currentSlot : this.#moveTo(nowMs);
    const failure = flags & Outcome.Failure;
    const slow = (flags & Outcome.Slow) >> 1;
    this.#calls[slot]! += 1;
    this.#failures[slot]! += failure;
    this.#slowCalls[slot]! += slow;
    this.#totalCalls += 1;
    this.#totalFailures += failure;
    this.#totalSlowCalls += slow;
  }

  figures(nowMs: number): WindowFigures {
    // The same test as in `record`, written out in both: a helper for it cost a failure in `execute`
    // about 370 instructions.
    if (!(nowMs >= this.#surelyFromMs && nowMs < this.#surelyUntilMs)) this.#moveTo(nowMs);
    return { calls: this.#totalCalls, failures: this.#totalFailures, slowCalls: this.#totalSlowCalls };
  }

  get calls(): number {
    return this.#totalCalls;
  }

  count(flag: OutcomeFlags): number {
    return flag === Outcome.Failure ? this.#totalFailures : this.#totalSlowCalls;
  }

  reset(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.#slowCalls.fill(0);
    this.#currentSlice = Number.NEGATIVE_INFINITY;
    this.#surelyFromMs = Number.POSITIVE_INFINITY;
    this.#surelyUntilMs = Number.NEGATIVE_INFINITY;
    this.#totalCalls = 0;
    this.#totalFailures = 0;
    this.#totalSlowCalls = 0;
  }

  /** `[currentSlice, calls..., failures..., slowCalls...]`; an empty window saves slice -1 (JSON has no -Infinity). */
  toJSON(): number[] {
    const slice = Number.isFinite(this.#currentSlice) ? this.#currentSlice : -1;
    return [slice, ...this.#calls, ...this.#failures, ...this.#slowCalls];
  }

  restore(data: readonly number[]): boolean {
    const buckets = this.#calls.length;
    if (data.length !== 1 + 3 * buckets || !data.every((n, i) => Number.isFinite(n) && (i === 0 || n >= 0))) return false;
    this.reset();
    this.#currentSlice = data[0] as number;
    for (let i = 0; i < buckets; i++) {
      this.#calls[i] = data[1 + i] as number;
      this.#failures[i] = data[1 + buckets + i] as number;
      this.#slowCalls[i] = data[1 + 2 * buckets + i] as number;
      this.#totalCalls += this.#calls[i]!;
      this.#totalFailures += this.#failures[i]!;
      this.#totalSlowCalls += this.#slowCalls[i]!;
    }
    return true;
  }

  /**
   * Moves the window to `nowMs` and returns the slot of the current slice. A time's slice is
   * `floor(nowMs / sliceMs)`. Most calls land in the current slice, so callers first test whether a
   * time is well inside it (`#surelyFromMs` to `#surelyUntilMs`, two comparisons instead of a
   * division) and come here only otherwise. Only well inside: with a fractional slice (3,122 ms in
   * 3 slices) the product `slice * sliceMs` can land a few units in the last place away from where
   * the division changes slice, and a time that near an edge takes the division, so that every time
   * is put in the slice the division names (the model test found a call put one slice early, which
   * then left the window one slice too soon).
   */
  #moveTo(nowMs: number): number {
    const slot = this.#advance(nowMs);
    this.#currentSlot = slot;
    if (Number.isFinite(this.#currentSlice)) {
      const startMs = this.#currentSlice * this.#sliceMs;
      const endMs = startMs + this.#sliceMs;
      // Far more than the few units in the last place (about 2.2e-16 of the value each) the two can differ by.
      const marginMs = Math.max(Math.abs(startMs), Math.abs(endMs)) * 1e-14;
      this.#surelyFromMs = startMs + marginMs;
      this.#surelyUntilMs = endMs - marginMs;
    }
    return slot;
  }

  #advance(nowMs: number): number {
    const buckets = this.#calls.length;
    const slice = Math.floor(nowMs / this.#sliceMs);
    // A clock that steps back keeps writing into the newest slice rather than resurrecting old ones.
    if (slice <= this.#currentSlice) return mod(this.#currentSlice, buckets);
    const steps = slice - this.#currentSlice;
    if (steps >= buckets) {
      this.reset();
    } else {
      for (let s = this.#currentSlice + 1; s <= slice; s++) this.#clear(mod(s, buckets));
    }
    this.#currentSlice = slice;
    return mod(slice, buckets);
  }

  #clear(slot: number): void {
    this.#totalCalls -= this.#calls[slot]!;
    this.#totalFailures -= this.#failures[slot]!;
    this.#totalSlowCalls -= this.#slowCalls[slot]!;
    this.#calls[slot] = 0;
    this.#failures[slot] = 0;
    this.#slowCalls[slot] = 0;
  }
}

function mod(value: number, divisor: number): number {
  const r = value % divisor;
  return r < 0 ? r + divisor : r;
}
