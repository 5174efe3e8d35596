import type { BreakerSpec, CircuitBreakerState, TripStrategyState } from '@breakwater/core';
import type { ResolvedWindow } from './spec-args.js';
import { stateNames } from './summary.js';

/** One rate window as the restore script writes it: the `w1`/`w2` field and the ring (count windows). */
function windowArgs(window: ResolvedWindow | undefined, saved: TripStrategyState | undefined): [string, string] {
  if (window === undefined || saved === undefined) return ['', ''];
  const data = saved.data.map((n) => Math.max(0, Math.round(n)));
  if (window.type === 'time') return [data.join(' '), ''];
  // A count window is saved oldest first: written from slot 0 on, the next slot is the one after.
  const fails = data.filter((flags) => flags % 2 === 1).length;
  const slows = data.filter((flags) => flags >= 2).length;
  return [`${data.length % window.size} ${data.length} ${fails} ${slows}`, data.join('')];
}

/** `ARGV[5..14]` of the restore script for saved `state` (already checked to fit `spec`). */
export function restoreArgs(state: CircuitBreakerState, spec: BreakerSpec): string[] {
  const find = (condition: string) => state.strategies.find((strategy) => strategy.condition === condition);
  const [w1, ring1] = windowArgs(spec.trip.failureRate?.window, find('failureRate'));
  const [w2, ring2] = windowArgs(spec.trip.slowCallRate?.window, find('slowCallRate'));
  const consecutive = find('consecutiveFailures')?.data[0] ?? 0;
  return [
    String(stateNames.indexOf(state.state)),
    String(Math.floor(state.stateChangedAt)),
    String(Math.floor(state.openUntil)),
    String(state.reopenCount),
    String(state.lastFailureAt === null ? -1 : Math.floor(state.lastFailureAt)),
    String(consecutive),
    w1,
    w2,
    ring1,
    ring2,
  ];
}
