import type { LimitSpec } from '../../store/limit-spec.js';

/** One step of a decision table: an operation at `at` ms after the table's start, and its exact decision. */
export interface TableStep {
  readonly at: number;
  readonly op: 'consume' | 'peek';
  readonly cost?: number;
  /** A spec for this step only (calendar windows move). */
  readonly spec?: LimitSpec;
  /** `[allowed, limit, remaining, resetAt (ms after the start), retryAfterMs]`. */
  readonly expect: readonly [boolean, number, number, number, number];
}

/** A decision table: one spec and key, steps in time order, every decision given exactly. */
export interface DecisionTable {
  readonly name: string;
  readonly spec: LimitSpec;
  readonly steps: readonly TableStep[];
}

const c = (at: number, cost: number, expect: TableStep['expect']): TableStep => ({ at, op: 'consume', cost, expect });
const p = (at: number, expect: TableStep['expect']): TableStep => ({ at, op: 'peek', expect });

/**
 * Exact decisions of every algorithm at exact instants, worked by hand from the arithmetic documented
 * with each algorithm (docs/store.md). The start is aligned to a day, so windows start with it.
 */
export const decisionTables: readonly DecisionTable[] = [
  {
    name: 'token bucket: capacity 3, 1 token per second',
    spec: { id: 'conformance:token-bucket', algorithm: 'token-bucket', capacity: 3, refillRate: 1, refillIntervalMs: 1000 },
    steps: [
      c(0, 1, [true, 3, 2, 1000, 0]),
      c(0, 2, [true, 3, 0, 3000, 0]),
      c(0, 1, [false, 3, 0, 3000, 1000]),
      c(999, 1, [false, 3, 0, 3000, 1]),
      c(1000, 1, [true, 3, 0, 4000, 0]),
      c(2500, 2, [false, 3, 1, 4000, 500]),
      c(2500, 4, [false, 3, 1, 4000, 1500]),
      p(2500, [true, 3, 1, 4000, 0]),
      c(3000, 0, [true, 3, 2, 4000, 0]),
      p(4000, [true, 3, 3, 4000, 0]),
    ],
  },
  {
    name: 'GCRA: 2 per second, burst 3',
    spec: { id: 'conformance:gcra', algorithm: 'gcra', limit: 2, periodMs: 1000, burst: 3 },
    steps: [
      c(0, 1, [true, 3, 2, 500, 0]),
      c(0, 2, [true, 3, 0, 1500, 0]),
      c(0, 1, [false, 3, 0, 1500, 500]),
      c(499, 1, [false, 3, 0, 1500, 1]),
      c(500, 1, [true, 3, 0, 2000, 0]),
      c(1250, 2, [false, 3, 1, 2000, 250]),
      c(1250, 4, [false, 3, 1, 2000, 750]),
      p(2000, [true, 3, 3, 2000, 0]),
    ],
  },
  {
    name: 'GCRA: 3 per second, burst 1 (an emission interval of 333⅓ ms, kept exact)',
    spec: { id: 'conformance:gcra-thirds', algorithm: 'gcra', limit: 3, periodMs: 1000, burst: 1 },
    steps: [
      c(0, 1, [true, 1, 0, 334, 0]),
      c(333, 1, [false, 1, 0, 334, 1]),
      c(334, 1, [true, 1, 0, 668, 0]),
      c(667, 1, [false, 1, 0, 668, 1]),
      c(668, 1, [true, 1, 0, 1002, 0]),
      c(1001, 1, [false, 1, 0, 1002, 1]),
      c(1002, 1, [true, 1, 0, 1336, 0]),
    ],
  },
  {
    name: 'fixed window: 3 per second',
    spec: { id: 'conformance:fixed-window', algorithm: 'fixed-window', limit: 3, windowMs: 1000 },
    steps: [
      c(0, 2, [true, 3, 1, 1000, 0]),
      c(999, 2, [false, 3, 1, 1000, 1]),
      c(999, 1, [true, 3, 0, 1000, 0]),
      p(999, [false, 3, 0, 1000, 1]),
      c(1000, 3, [true, 3, 0, 2000, 0]),
      c(1500, 4, [false, 3, 0, 2000, 500]),
      p(2000, [true, 3, 3, 3000, 0]),
    ],
  },
  {
    name: 'sliding window: 10 per second',
    spec: { id: 'conformance:sliding-window', algorithm: 'sliding-window', limit: 10, windowMs: 1000 },
    steps: [
      c(0, 4, [true, 10, 6, 2000, 0]),
      c(900, 6, [true, 10, 0, 2000, 0]),
      c(900, 1, [false, 10, 0, 2000, 200]),
      c(1099, 1, [false, 10, 0, 2000, 1]),
      c(1100, 1, [true, 10, 0, 3000, 0]),
      c(1500, 5, [false, 10, 4, 3000, 100]),
      c(1500, 11, [false, 10, 4, 3000, 1500]),
      c(1600, 5, [true, 10, 0, 3000, 0]),
      p(3000, [true, 10, 10, 3000, 0]),
    ],
  },
  {
    name: 'calendar window: 2 in [0, 5 s), then 2 in [5 s, 7 s)',
    spec: { id: 'conformance:calendar', algorithm: 'calendar-window', limit: 2, windowStart: 0, windowEnd: 5000 },
    steps: [
      c(100, 1, [true, 2, 1, 5000, 0]),
      c(100, 2, [false, 2, 1, 5000, 4900]),
      c(100, 1, [true, 2, 0, 5000, 0]),
      p(4999, [false, 2, 0, 5000, 1]),
      { at: 5000, op: 'consume', cost: 2, spec: { id: 'conformance:calendar', algorithm: 'calendar-window', limit: 2, windowStart: 5000, windowEnd: 7000 }, expect: [true, 2, 0, 7000, 0] },
      // A caller whose clock is behind still names the old window: it counts in the newer one.
      c(4999, 1, [false, 2, 0, 7000, 2001]),
    ],
  },
];

/** Moves a calendar spec's bounds (given relative to the table's start) to absolute times. */
export function atStart(spec: LimitSpec, start: number): LimitSpec {
  if (spec.algorithm !== 'calendar-window') return spec;
  return { ...spec, windowStart: spec.windowStart + start, windowEnd: spec.windowEnd + start };
}
