import type { TripStrategyState } from './strategies/trip-strategy.js';

/**
 * States of a breaker. `isolated` is forced open by an operator; `disabled` admits everything and
 * records nothing; `metrics-only` records and reports but never rejects.
 */
export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated' | 'disabled' | 'metrics-only';

/**
 * A breaker's state as saved by `toJSON()` and accepted by `initialState` / `restore()`. Plain JSON.
 * A half-open breaker is saved as open with its open period over, so the restored breaker probes again.
 */
export interface CircuitBreakerState {
  readonly version: 1;
  readonly state: Exclude<CircuitStateName, 'half-open'>;
  /** Epoch ms of the last state change. */
  readonly stateChangedAt: number;
  /** Epoch ms at which an open breaker starts admitting probes. */
  readonly openUntil: number;
  /** Consecutive re-opens from half-open, which drive the recovery backoff. */
  readonly reopenCount: number;
  /** Epoch ms of the last recorded failure, or null. */
  readonly lastFailureAt: number | null;
  readonly strategies: readonly TripStrategyState[];
}

/** A state change, as reported to `onStateChange` listeners. */
export interface StateChange {
  readonly breaker: string;
  readonly from: CircuitStateName;
  readonly to: CircuitStateName;
  /** Why: the trip condition that fired, `probe succeeded`, `probe failed`, `reset`, … */
  readonly reason: string;
  /** Epoch ms. */
  readonly at: number;
}
