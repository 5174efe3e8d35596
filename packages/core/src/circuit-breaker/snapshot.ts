import type { PolicySnapshotBase } from '../policy/observable-policy.js';
import type { BreakerView } from '../store/breaker-state-store.js';
import type { CircuitStateName } from './state.js';

/** A breaker's figures at one instant, from `snapshot()`. */
export interface CircuitBreakerSnapshot extends PolicySnapshotBase {
  readonly kind: 'circuit-breaker';
  readonly state: CircuitStateName;
  /** Calls in the failure-rate window (else the slow-call window, else since the last state change). */
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** Failures / calls in the failure-rate window; null without such a window or before any call. */
  readonly failureRate: number | null;
  /** Slow calls / calls in the slow-call window; null without such a window or before any call. */
  readonly slowCallRate: number | null;
  readonly consecutiveFailures: number;
  readonly probesInFlight: number;
  /** Epoch ms of the last failure, or null. */
  readonly lastFailureAt: number | null;
  /** Epoch ms of the last state change. */
  readonly stateChangedAt: number;
  readonly timeInStateMs: number;
  /** Milliseconds until a call may be admitted again; 0 when calls are admitted now. */
  readonly retryAfterMs: number;
}

/** Turns the state's view into the public snapshot. */
export function toSnapshot(name: string, view: BreakerView, nowMs: number, retryAfterMs: number): CircuitBreakerSnapshot {
  const failureWindow = view.failureWindow;
  const slowWindow = view.slowCallWindow;
  const window = failureWindow ?? slowWindow;
  const calls = window ? window.calls : view.successesInState + view.failuresInState;
  const failures = window ? window.failures : view.failuresInState;
  return {
    kind: 'circuit-breaker',
    name,
    health: healthOf(view.state),
    state: view.state,
    calls,
    successes: calls - failures,
    failures,
    slowCalls: slowWindow ? slowWindow.slowCalls : 0,
    failureRate: failureWindow && failureWindow.calls > 0 ? failureWindow.failures / failureWindow.calls : null,
    slowCallRate: slowWindow && slowWindow.calls > 0 ? slowWindow.slowCalls / slowWindow.calls : null,
    consecutiveFailures: view.consecutiveFailures,
    probesInFlight: view.probesInFlight,
    lastFailureAt: view.lastFailureAt,
    stateChangedAt: view.stateChangedAt,
    timeInStateMs: Math.max(0, nowMs - view.stateChangedAt),
    retryAfterMs,
  };
}

function healthOf(state: CircuitStateName): CircuitBreakerSnapshot['health'] {
  if (state === 'open' || state === 'isolated') return 'unhealthy';
  return state === 'half-open' ? 'degraded' : 'healthy';
}
