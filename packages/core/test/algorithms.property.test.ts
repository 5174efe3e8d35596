import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitStep, type AlgorithmState, type Decision, type LimitSpec } from '../src/index.js';
import { admitOf } from '../src/rate-limit/algorithms/run-step.js';

interface Arrival {
  readonly dt: number;
  readonly cost: number;
}
interface Record {
  readonly t: number;
  readonly cost: number;
  readonly before: AlgorithmState | undefined;
  readonly decision: Decision;
}

const runs = { numRuns: 200 };
const start = Date.UTC(2024, 0, 1);

/** Arrivals with clock advances between them: often none (bursts), sometimes long idle gaps. */
const arrivals = (maxCost: number, maxGap: number) =>
  fc.array(
    fc.record({
      dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxGap }), fc.integer({ min: 0, max: maxGap * 5 })),
      cost: fc.integer({ min: 0, max: maxCost }),
    }),
    { minLength: 1, maxLength: 60 },
  );

function walk(spec: LimitSpec, steps: readonly Arrival[], carryRefused = true): Record[] {
  let state: AlgorithmState | undefined;
  let t = start;
  return steps.map(({ dt, cost }) => {
    t += dt;
    const step = limitStep(state, spec, t, cost);
    const record = { t, cost, before: state, decision: step.decision };
    if (carryRefused || step.decision.allowed) state = step.state;
    return record;
  });
}

/** Cost admitted at instants in [from, to]. */
function admittedBetween(records: readonly Record[], from: number, to: number): number {
  return records.reduce((sum, r) => (r.decision.allowed && r.t >= from && r.t <= to ? sum + r.cost : sum), 0);
}

/** Shared contract: the figures are in range; retryAfterMs is 0 exactly when admitted, and exact. */
function checkDecisions(spec: LimitSpec, records: readonly Record[], limit: number): void {
  for (const { t, cost, before, decision } of records) {
    expect(decision.remaining).toBeGreaterThanOrEqual(0);
    expect(decision.remaining).toBeLessThanOrEqual(limit);
    expect(decision.limit).toBe(limit);
    expect(decision.resetAt).toBeGreaterThanOrEqual(t);
    if (decision.allowed) {
      expect(decision.retryAfterMs).toBe(0);
      continue;
    }
    expect(decision.retryAfterMs).toBeGreaterThan(0);
    if (cost > limit) continue;
    // Waiting exactly retryAfterMs is enough, and waiting one millisecond less is not.
    expect(limitStep(before, spec, t + decision.retryAfterMs, cost).decision.allowed).toBe(true);
    expect(limitStep(before, spec, t + decision.retryAfterMs - 1, cost).decision.allowed).toBe(false);
  }
}

/** At resetAt the key is whole again. */
function checkResetAt(spec: LimitSpec, records: readonly Record[], limit: number): void {
  let state: AlgorithmState | undefined;
  for (const { t, cost, decision } of records) {
    state = limitStep(state, spec, t, cost).state;
    if (spec.algorithm === 'fixed-window' || decision.resetAt === t) continue;
    expect(limitStep(state, spec, decision.resetAt, 0).decision.remaining).toBe(limit);
  }
}

describe('token bucket', () => {
  const spec = (capacity: number, refillRate: number, refillIntervalMs: number): LimitSpec => ({ id: 'p', algorithm: 'token-bucket', capacity, refillRate, refillIntervalMs });

  it('never admits more than capacity + rate × elapsed, over any span of any trace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (capacity, rate, interval, steps) => {
        const records = walk(spec(capacity, rate, interval), steps);
        for (const a of records) {
          for (const b of records) {
            if (b.t < a.t) continue;
            // admitted × interval <= (capacity × interval) + rate × elapsed, in exact integers
            expect(admittedBetween(records, a.t, b.t) * interval).toBeLessThanOrEqual(capacity * interval + rate * (b.t - a.t));
          }
        }
      }),
      runs,
    );
  });

  it('keeps retryAfterMs, remaining and resetAt exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (capacity, rate, interval, steps) => {
        const s = spec(capacity, rate, interval);
        const records = walk(s, steps);
        checkDecisions(s, records, capacity);
        checkResetAt(s, records, capacity);
      }),
      runs,
    );
  });

  it('admits a full burst after idling until full, and never more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 10 }), (capacity, rate) => {
        const records = walk(spec(capacity, rate, 1000), Array.from({ length: capacity + 1 }, () => ({ dt: 0, cost: 1 })));
        expect(records.filter((r) => r.decision.allowed)).toHaveLength(capacity);
      }),
      runs,
    );
  });
});

describe('GCRA', () => {
  const gcra = (limit: number, periodMs: number, burst: number): LimitSpec => ({ id: 'p', algorithm: 'gcra', limit, periodMs, burst });

  it('never admits more than burst + limit × elapsed / period, over any span of any trace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 20 }), arrivals(25, 800), (limit, period, burst, steps) => {
        const records = walk(gcra(limit, period, burst), steps);
        for (const a of records) {
          for (const b of records) {
            if (b.t >= a.t) expect(admittedBetween(records, a.t, b.t) * period).toBeLessThanOrEqual(burst * period + limit * (b.t - a.t));
          }
        }
      }),
      runs,
    );
  });

  it('keeps retryAfterMs, remaining and resetAt exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 20 }), arrivals(25, 800), (limit, period, burst, steps) => {
        const s = gcra(limit, period, burst);
        const records = walk(s, steps);
        checkDecisions(s, records, burst);
        checkResetAt(s, records, burst);
      }),
      runs,
    );
  });

  it('decides exactly as a token bucket with capacity burst and refill limit per period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 20 }), arrivals(25, 800), (limit, period, burst, steps) => {
        const bucket: LimitSpec = { id: 'p', algorithm: 'token-bucket', capacity: burst, refillRate: limit, refillIntervalMs: period };
        expect(walk(gcra(limit, period, burst), steps).map((r) => r.decision)).toEqual(walk(bucket, steps).map((r) => r.decision));
      }),
      runs,
    );
  });
});

describe('fixed window', () => {
  const fixed = (limit: number, windowMs: number): LimitSpec => ({ id: 'p', algorithm: 'fixed-window', limit, windowMs });

  it('admits at most limit per aligned window, and under 2 × limit across any boundary', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (limit, windowMs, steps) => {
        const records = walk(fixed(limit, windowMs), steps);
        for (const a of records) {
          const windowStart = a.t - (a.t % windowMs);
          expect(admittedBetween(records, windowStart, windowStart + windowMs - 1)).toBeLessThanOrEqual(limit);
          expect(admittedBetween(records, a.t, a.t + windowMs - 1)).toBeLessThanOrEqual(2 * limit);
        }
      }),
      runs,
    );
  });

  it('keeps retryAfterMs and remaining exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (limit, windowMs, steps) => {
        const s = fixed(limit, windowMs);
        checkDecisions(s, walk(s, steps), limit);
      }),
      runs,
    );
  });
});

describe('sliding-window counter', () => {
  const sliding = (limit: number, windowMs: number): LimitSpec => ({ id: 'p', algorithm: 'sliding-window', limit, windowMs });

  it('stays within its documented bound: any span of windowMs admits at most limit + prev × e / windowMs (< 2 × limit)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (limit, w, steps) => {
        const records = walk(sliding(limit, w), steps);
        for (const r of records) {
          const windowStart = r.t - (r.t % w);
          const elapsed = r.t - windowStart;
          const previous = admittedBetween(records, windowStart - w, windowStart - 1);
          const trailing = admittedBetween(records, r.t - w + 1, r.t);
          expect(trailing * w).toBeLessThanOrEqual(limit * w + previous * elapsed);
          expect(trailing).toBeLessThan(2 * limit);
          expect(admittedBetween(records, windowStart, r.t)).toBeLessThanOrEqual(limit);
        }
      }),
      runs,
    );
  });

  it('keeps retryAfterMs, remaining and resetAt exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (limit, w, steps) => {
        const s = sliding(limit, w);
        const records = walk(s, steps);
        checkDecisions(s, records, limit);
        checkResetAt(s, records, limit);
      }),
      runs,
    );
  });
});

describe('calendar window', () => {
  it('admits at most limit in each window the caller names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), arrivals(25, 800), (limit, length, steps) => {
        let state: AlgorithmState | undefined;
        const admitted = new Map<number, number>();
        let t = start;
        for (const { dt, cost } of steps) {
          t += dt;
          const windowStart = t - (t % length);
          const spec: LimitSpec = { id: 'p', algorithm: 'calendar-window', limit, windowStart, windowEnd: windowStart + length };
          const step = limitStep(state, spec, t, cost);
          state = step.state;
          if (step.decision.allowed) admitted.set(windowStart, (admitted.get(windowStart) ?? 0) + cost);
          expect(step.decision.resetAt).toBe(windowStart + length);
        }
        for (const used of admitted.values()) expect(used).toBeLessThanOrEqual(limit);
      }),
      runs,
    );
  });
});

describe('every algorithm', () => {
  const anySpec = fc.oneof(
    fc.record({ id: fc.constant('p'), algorithm: fc.constant('token-bucket' as const), capacity: fc.integer({ min: 1, max: 20 }), refillRate: fc.integer({ min: 1, max: 9 }), refillIntervalMs: fc.integer({ min: 1, max: 3_000 }) }),
    fc.record({ id: fc.constant('p'), algorithm: fc.constant('gcra' as const), limit: fc.integer({ min: 1, max: 20 }), periodMs: fc.integer({ min: 1, max: 3_000 }), burst: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ id: fc.constant('p'), algorithm: fc.constant('sliding-window' as const), limit: fc.integer({ min: 1, max: 20 }), windowMs: fc.integer({ min: 1, max: 3_000 }) }),
    fc.record({ id: fc.constant('p'), algorithm: fc.constant('fixed-window' as const), limit: fc.integer({ min: 1, max: 20 }), windowMs: fc.integer({ min: 1, max: 3_000 }) }),
  );

  it('a refusal changes nothing: keeping or dropping the state a refusal returns decides the same', () => {
    fc.assert(
      fc.property(anySpec, arrivals(25, 800), (spec, steps) => {
        expect(walk(spec, steps, false).map((r) => r.decision)).toEqual(walk(spec, steps, true).map((r) => r.decision));
      }),
      runs,
    );
  });

  it('a clock that goes back never admits more than the same arrivals in order', () => {
    fc.assert(
      fc.property(anySpec, fc.array(fc.integer({ min: -2_000, max: 2_000 }), { minLength: 1, maxLength: 40 }), (spec, jitter) => {
        const limit = spec.algorithm === 'token-bucket' ? spec.capacity : spec.algorithm === 'gcra' ? spec.burst : spec.limit;
        let state: AlgorithmState | undefined;
        let admitted = 0;
        let latest = start;
        for (const offset of jitter) {
          const t = start + 10_000 + offset;
          latest = Math.max(latest, t);
          const step = limitStep(state, spec, t, 1);
          state = step.state;
          if (step.decision.allowed) admitted++;
        }
        // Every arrival lies within 4 s; in order, at most limit + the refill of 4 s (+ 1 boundary) would pass.
        const perMs = spec.algorithm === 'token-bucket' ? spec.refillRate / spec.refillIntervalMs : spec.algorithm === 'gcra' ? spec.limit / spec.periodMs : 0;
        const windows = spec.algorithm === 'fixed-window' || spec.algorithm === 'sliding-window' ? Math.ceil(4_000 / spec.windowMs) + 2 : 1;
        expect(admitted).toBeLessThanOrEqual(limit * windows + Math.ceil(perMs * 4_000));
        expect(latest).toBeGreaterThanOrEqual(start);
      }),
      runs,
    );
  });

  it('an admit-only step admits exactly when the kernel does, and writes the same state and expiry', () => {
    const anyState = fc.tuple(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(anySpec, arrivals(25, 800), fc.array(fc.integer({ min: -1_500, max: 0 }), { minLength: 1, maxLength: 60 }), (spec, steps, backs) => {
        const admit = admitOf(spec.algorithm);
        if (admit === undefined) return; // the sliding window has none
        let state: AlgorithmState | undefined;
        let t = start;
        steps.forEach(({ dt, cost }, i) => {
          t += dt;
          const now = t + (backs[i % backs.length] as number); // clocks that go back, too
          const charged = Math.max(1, cost); // an admit-only step is only asked to charge
          const step = limitStep(state, spec, now, charged);
          const table = Float64Array.from(state ?? [0, 0, 0]);
          const expiresAt = Float64Array.of(-1);
          const admitted = admit(spec, charged, now, table, expiresAt, 0);
          expect(admitted).toBe(step.decision.allowed);
          if (admitted) {
            expect([...table]).toEqual(step.state);
            expect(expiresAt[0]).toBe(step.decision.resetAt);
          } else {
            expect([...table]).toEqual([...(state ?? [0, 0, 0])]);
            expect(expiresAt[0]).toBe(-1);
          }
          state = step.state;
        });
      }),
      runs,
    );
    // A state handed over after it expired (the memory store does not zero it first) decides as a fresh key.
    fc.assert(
      fc.property(anySpec, arrivals(25, 800), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 25 }), (spec, steps, gap, cost) => {
        const admit = admitOf(spec.algorithm);
        if (admit === undefined) return;
        let state: AlgorithmState | undefined;
        let t = start;
        for (const { dt, cost: charged } of steps) {
          t += dt;
          const step = limitStep(state, spec, t, charged);
          state = step.state;
          const later = step.decision.resetAt + gap;
          const fresh = limitStep(undefined, spec, later, cost);
          const table = Float64Array.from(state);
          const expiresAt = Float64Array.of(step.decision.resetAt);
          expect(admit(spec, cost, later, table, expiresAt, 0)).toBe(fresh.decision.allowed);
          if (fresh.decision.allowed) expect([...table, expiresAt[0]]).toEqual([...fresh.state, fresh.decision.resetAt]);
        }
      }),
      runs,
    );
    // Odd states too (a fixed window counted in a later window, a GCRA time far ahead), not only reachable ones.
    fc.assert(
      fc.property(anySpec, anyState, fc.integer({ min: 1, max: 25 }), (spec, [s0, s1], cost) => {
        const admit = admitOf(spec.algorithm);
        if (admit === undefined) return;
        const now = start + 30_000;
        const before: AlgorithmState = [start + s0, s1, 0];
        const step = limitStep(before, spec, now, cost);
        const table = Float64Array.from(before);
        const expiresAt = Float64Array.of(-1);
        expect(admit(spec, cost, now, table, expiresAt, 0)).toBe(step.decision.allowed);
        if (step.decision.allowed) expect([...table, expiresAt[0]]).toEqual([...step.state, step.decision.resetAt]);
      }),
      runs,
    );
  });
});
