import type { OutcomeFlags, WindowFigures } from '../outcome.js';

/** Names of the trip conditions, as in {@link TripConditions}. */
export type TripConditionName = 'consecutiveFailures' | 'failureRate' | 'slowCallRate';

/** Serialisable state of one strategy, as saved by `toJSON()`. */
export interface TripStrategyState {
  readonly condition: TripConditionName;
  /** The shape the data fits, e.g. `count:100` or `time:60000/10`; restoring into another shape fails. */
  readonly window?: string;
  readonly data: readonly number[];
}

/**
 * A trip condition. Strategies only count; the state machine owns the states (design: circuit-breaker/).
 * Every method is O(1) in the traffic already recorded (window rotation is bounded by the bucket count).
 */
export interface TripStrategy {
  readonly condition: TripConditionName;
  /** Whether `record` needs the current time (time windows do); when none does, the hot path reads no clock. */
  readonly needsTime: boolean;
  /** Records one closed-state outcome; true when the condition is now met. */
  record(flags: OutcomeFlags, nowMs: number): boolean;
  /** Why the condition is met, for state-change events. */
  describe(nowMs: number): string;
  /** Adds this strategy's window counts to `into` when it has a window. */
  figures(nowMs: number): WindowFigures | undefined;
  reset(): void;
  toJSON(): TripStrategyState;
  /** Restores from `toJSON()` output; returns false when the data does not fit this strategy. */
  restore(state: TripStrategyState): boolean;
}
