import type { CircuitBreakerState } from './state.js';

const restorableStates = new Set(['closed', 'open', 'isolated', 'disabled', 'metrics-only']);

/** Checks the shape of saved state (from `toJSON()`, possibly after a JSON round trip). */
export function isBreakerState(value: unknown): value is CircuitBreakerState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  return (
    state['version'] === 1 &&
    typeof state['state'] === 'string' &&
    restorableStates.has(state['state']) &&
    Number.isFinite(state['stateChangedAt']) &&
    Number.isFinite(state['openUntil']) &&
    Number.isInteger(state['reopenCount']) &&
    (state['lastFailureAt'] === null || Number.isFinite(state['lastFailureAt'])) &&
    Array.isArray(state['strategies']) &&
    state['strategies'].every(
      (s: unknown) =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as { condition?: unknown }).condition === 'string' &&
        Array.isArray((s as { data?: unknown }).data),
    )
  );
}
