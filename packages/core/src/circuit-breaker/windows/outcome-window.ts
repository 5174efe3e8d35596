import type { OutcomeFlags, WindowFigures } from '../outcome.js';

/** A sliding record of outcomes: the last N calls, or the calls of the last T milliseconds. */
export interface OutcomeWindow {
  readonly needsTime: boolean;
  /** Identifies the window's shape in saved state, e.g. `count:100`. */
  readonly shape: string;
  record(flags: OutcomeFlags, nowMs: number): void;
  /** Counts currently in the window (time windows first drop what has aged out). */
  figures(nowMs: number): WindowFigures;
  reset(): void;
  toJSON(): number[];
  restore(data: readonly number[]): boolean;
}
