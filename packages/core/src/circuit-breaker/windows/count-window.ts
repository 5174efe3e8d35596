import { Outcome, type OutcomeFlags, type WindowFigures } from '../outcome.js';
import type { OutcomeWindow } from './outcome-window.js';

/**
 * The last `size` outcomes in a ring of bytes (100 calls cost 100 bytes), with running totals so
 * that recording and reading are O(1).
 */
export class CountWindow implements OutcomeWindow {
  readonly needsTime = false;
  readonly #ring: Uint8Array;
  #next = 0;
  #filled = 0;
  #failures = 0;
  #slowCalls = 0;

  constructor(size: number) {
    this.#ring = new Uint8Array(size);
  }

  get shape(): string {
    return `count:${this.#ring.length}`;
  }

  record(flags: OutcomeFlags): void {
    const ring = this.#ring;
    if (this.#filled === ring.length) this.#forget(ring[this.#next] as number);
    else this.#filled++;
    ring[this.#next] = flags;
    this.#failures += flags & Outcome.Failure;
    this.#slowCalls += (flags & Outcome.Slow) >> 1;
    this.#next = this.#next + 1 === ring.length ? 0 : this.#next + 1;
  }

  figures(): WindowFigures {
    return { calls: this.#filled, failures: this.#failures, slowCalls: this.#slowCalls };
  }

  /** Fast accessors for the trip check, which must not allocate. */
  get calls(): number {
    return this.#filled;
  }

  count(flag: OutcomeFlags): number {
    return flag === Outcome.Failure ? this.#failures : this.#slowCalls;
  }

  reset(): void {
    this.#ring.fill(0);
    this.#next = 0;
    this.#filled = 0;
    this.#failures = 0;
    this.#slowCalls = 0;
  }

  /** Oldest first. */
  toJSON(): number[] {
    const out: number[] = [];
    const start = this.#filled === this.#ring.length ? this.#next : 0;
    for (let i = 0; i < this.#filled; i++) out.push(this.#ring[(start + i) % this.#ring.length] as number);
    return out;
  }

  restore(data: readonly number[]): boolean {
    if (data.length > this.#ring.length || !data.every((flags) => Number.isInteger(flags) && flags >= 0 && flags <= 3))
      return false;
    this.reset();
    for (const flags of data) this.record(flags);
    return true;
  }

  #forget(flags: number): void {
    this.#failures -= flags & Outcome.Failure;
    this.#slowCalls -= (flags & Outcome.Slow) >> 1;
  }
}
