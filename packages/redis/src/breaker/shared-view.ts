import type { BreakerSpec, BreakerView, CircuitBreakerState, CircuitRejectionReason, CircuitStateName, TripStrategyState } from '@breakwater/core';
import type { Summary } from './summary.js';

/** States in which every call is admitted (no lease needed). */
export function admitsAll(state: CircuitStateName): boolean {
  return state === 'closed' || state === 'disabled' || state === 'metrics-only';
}

/** The shared summary as the breaker's {@link BreakerView}, times moved to the local clock (`offset` = Redis − local). */
export function toView(summary: Summary, offset: number, spec: BreakerSpec): BreakerView {
  const window = (figures: readonly [number, number, number], present: boolean) =>
    present ? { calls: figures[0], failures: figures[1], slowCalls: figures[2] } : undefined;
  return {
    state: summary.state,
    stateChangedAt: summary.changedAt - offset,
    openUntil: summary.openUntil - offset,
    lastFailureAt: summary.lastFailureAt < 0 ? null : summary.lastFailureAt - offset,
    consecutiveFailures: summary.consecutiveFailures,
    probesInFlight: summary.liveProbes,
    probeSuccesses: summary.probeSuccesses,
    failureWindow: window(summary.failureWindow, spec.trip.failureRate !== undefined),
    slowCallWindow: window(summary.slowCallWindow, spec.trip.slowCallRate !== undefined),
    successesInState: summary.successesInState,
    failuresInState: summary.failuresInState,
  };
}

/** Why a call would be rejected at Redis time `now`, from the summary, as the in-process breaker answers. */
export function rejectionOf(summary: Summary, now: number, spec: BreakerSpec): { reason: CircuitRejectionReason; retryAfterMs: number } {
  if (summary.state === 'isolated') return { reason: 'isolated', retryAfterMs: spec.recoveryTimeout };
  if (summary.state === 'open' && now < summary.openUntil) return { reason: 'open', retryAfterMs: summary.openUntil - now };
  // Open with its period over: the probe slots are being taken (this instance's own lease requests in flight).
  if (summary.state === 'open' || summary.liveProbes < spec.maxProbes || summary.earliestLease <= now) return { reason: 'half-open-full', retryAfterMs: 0 };
  // Bounded by the earliest lease: by then a slot is free whether or not its probe settles.
  return { reason: 'half-open-full', retryAfterMs: Math.max(0, Math.min(summary.earliestLease - now, spec.recoveryTimeout)) };
}

/**
 * The shared state as saved state. Times stay in Redis time (what `restore()` writes back); the
 * consecutive-failure count is carried, while the windows' outcomes stay in Redis (their shapes are
 * taken from `shape`, the saved state of an empty in-process breaker with the same conditions).
 */
export function toSavedState(summary: Summary, shape: CircuitBreakerState): CircuitBreakerState {
  const halfOpen = summary.state === 'half-open';
  return {
    version: 1,
    state: halfOpen ? 'open' : (summary.state as Exclude<CircuitStateName, 'half-open'>),
    stateChangedAt: summary.changedAt,
    openUntil: halfOpen ? summary.changedAt : summary.openUntil,
    reopenCount: summary.reopenCount,
    lastFailureAt: summary.lastFailureAt < 0 ? null : summary.lastFailureAt,
    strategies: shape.strategies.map((strategy): TripStrategyState =>
      strategy.condition === 'consecutiveFailures' ? { ...strategy, data: [summary.consecutiveFailures] } : strategy,
    ),
  };
}
