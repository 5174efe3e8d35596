/** Bit flags describing one recorded outcome; a plain number so recording allocates nothing. */
export const Outcome = {
  Success: 0,
  Failure: 1,
  Slow: 2,
} as const;

/** A combination of {@link Outcome} flags. */
export type OutcomeFlags = number;

/** Counts a window holds, as reported in snapshots. */
export interface WindowFigures {
  /** Calls recorded in the window. */
  calls: number;
  failures: number;
  slowCalls: number;
}
