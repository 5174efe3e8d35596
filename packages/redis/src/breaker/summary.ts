import type { CircuitStateName } from '@breakwater/core';

/** State names by the code the scripts store. */
export const stateNames: readonly CircuitStateName[] = ['closed', 'open', 'half-open', 'isolated', 'disabled', 'metrics-only'];

/** The shared state as a script reports it (times are Redis epoch ms). */
export interface Summary {
  readonly state: CircuitStateName;
  readonly epoch: number;
  readonly changedAt: number;
  readonly openUntil: number;
  readonly reopenCount: number;
  /** -1 when none. */
  readonly lastFailureAt: number;
  readonly consecutiveFailures: number;
  readonly liveProbes: number;
  readonly probeSuccesses: number;
  readonly successesInState: number;
  readonly failuresInState: number;
  /** Deadline of the earliest live lease, 0 when none. */
  readonly earliestLease: number;
  readonly failureWindow: readonly [number, number, number];
  readonly slowCallWindow: readonly [number, number, number];
  /** Redis time when the summary was taken. */
  readonly redisNow: number;
  /** Bumped by every write; with `incarnation`, orders summaries. */
  readonly version: number;
  /** When the state hash was created (Redis µs); 0 before it exists. */
  readonly incarnation: number;
  /** Why the state last changed. */
  readonly reason: string;
}

/** The state before any script answered: closed, nothing counted. */
export function initialSummary(now: number): Summary {
  return {
    state: 'closed', epoch: 0, changedAt: now, openUntil: 0, reopenCount: 0, lastFailureAt: -1, consecutiveFailures: 0, liveProbes: 0,
    probeSuccesses: 0, successesInState: 0, failuresInState: 0, earliestLease: 0, failureWindow: [0, 0, 0], slowCallWindow: [0, 0, 0],
    redisNow: now, version: 0, incarnation: 0, reason: '',
  };
}

/** Reads the summary from `values` (21 numbers from `at`) and `reason`. */
export function parseSummary(values: readonly (string | number)[], at: number, reason: string): Summary | undefined {
  const n = (i: number): number => Number(values[at + i]);
  const state = stateNames[n(0)];
  if (state === undefined || values.length < at + 21) return undefined;
  return {
    state, epoch: n(1), changedAt: n(2), openUntil: n(3), reopenCount: n(4), lastFailureAt: n(5), consecutiveFailures: n(6),
    liveProbes: n(7), probeSuccesses: n(8), successesInState: n(9), failuresInState: n(10), earliestLease: n(11),
    failureWindow: [n(12), n(13), n(14)], slowCallWindow: [n(15), n(16), n(17)], redisNow: n(18), version: n(19), incarnation: n(20), reason,
  };
}

/** A script reply: `{r1, r2, r3, summary..., reason}`. */
export interface ScriptResult {
  readonly r1: number;
  readonly r2: number;
  readonly r3: number;
  readonly summary: Summary;
}

/** Parses a script reply; throws on a reply of another shape (a script and a client that disagree). */
export function parseReply(reply: readonly (string | number)[]): ScriptResult {
  const summary = parseSummary(reply, 3, String(reply[24] ?? ''));
  if (summary === undefined) throw new TypeError(`unexpected breaker script reply ${JSON.stringify(reply)}`);
  return { r1: Number(reply[0]), r2: Number(reply[1]), r3: Number(reply[2]), summary };
}

/** Parses a notification: the summary's numbers, `|`, the reason. */
export function parseMessage(message: string): Summary | undefined {
  const bar = message.indexOf('|');
  if (bar < 0) return undefined;
  return parseSummary(message.slice(0, bar).split(' '), 0, message.slice(bar + 1));
}
