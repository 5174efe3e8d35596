import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/circuit-breaker/outcome.js';
import { CountWindow } from '../src/circuit-breaker/windows/count-window.js';
import { TimeWindow } from '../src/circuit-breaker/windows/time-window.js';

const { Success, Failure, Slow } = Outcome;

describe('CountWindow', () => {
  it('keeps the last N outcomes with running totals', () => {
    const window = new CountWindow(3);
    window.record(Failure);
    window.record(Slow);
    window.record(Failure | Slow);
    expect(window.figures()).toEqual({ calls: 3, failures: 2, slowCalls: 2 });
    window.record(Success); // evicts the first failure
    expect(window.figures()).toEqual({ calls: 3, failures: 1, slowCalls: 2 });
    window.record(Success); // evicts the slow success
    expect(window.figures()).toEqual({ calls: 3, failures: 1, slowCalls: 1 });
  });

  it('round-trips through toJSON oldest first', () => {
    const window = new CountWindow(3);
    for (const flags of [Failure, Success, Slow, Failure]) window.record(flags);
    expect(window.toJSON()).toEqual([Success, Slow, Failure]);
    const copy = new CountWindow(3);
    expect(copy.restore(window.toJSON())).toBe(true);
    expect(copy.figures()).toEqual(window.figures());
    expect(copy.restore([1, 1, 1, 1])).toBe(false);
    expect(copy.restore([7])).toBe(false);
  });
});

describe('TimeWindow', () => {
  it('drops slices as time passes, lazily', () => {
    const window = new TimeWindow(10_000, 10); // 1 s slices
    window.record(Failure, 0);
    window.record(Success, 500);
    window.record(Failure, 4_200);
    expect(window.figures(4_999)).toEqual({ calls: 3, failures: 2, slowCalls: 0 });
    // At 10 s the slice [0, 1 s) has left the window: 10 slices are [1 s, 11 s).
    expect(window.figures(10_000)).toEqual({ calls: 1, failures: 1, slowCalls: 0 });
    expect(window.figures(13_999)).toEqual({ calls: 1, failures: 1, slowCalls: 0 });
    expect(window.figures(14_000)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });

  it('clears everything after a long idle gap and ignores a clock that steps back', () => {
    const window = new TimeWindow(1_000, 4);
    window.record(Failure, 100);
    expect(window.figures(1_000_000)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    window.record(Slow, 1_000_100);
    window.record(Failure, 999_000); // stepped back: counted in the newest slice
    expect(window.figures(1_000_100)).toEqual({ calls: 2, failures: 1, slowCalls: 1 });
  });

  it('puts a time on the edge of a fractional slice in the slice floor(t / sliceMs) names (found by the model test)', () => {
    // 3,122 ms in 3 slices of 1,040.67 ms: 1,700,000,000,524 / sliceMs is exactly 1,633,568,226, where
    // slice * sliceMs gives 1,700,000,000,524.0002, so the cached slice end wrongly took it in the slice before.
    const window = new TimeWindow(3_122, 3);
    window.record(Slow, 1_700_000_000_386);
    window.record(Slow, 1_700_000_000_523);
    window.record(Slow, 1_700_000_000_524);
    expect(window.figures(1_700_000_002_605)).toEqual({ calls: 3, failures: 0, slowCalls: 3 });
    // Slices 1,633,568,226 to ...228: the call at ...524 stays, the two before it have left.
    expect(window.figures(1_700_000_002_606)).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
  });

  it('answers as the division does for any time near a slice edge', () => {
    for (const [durationMs, buckets] of [[3_122, 3], [1_000, 7], [10, 3], [86_400_000, 24]] as const) {
      const sliceMs = durationMs / buckets;
      const window = new TimeWindow(durationMs, buckets);
      const recorded: number[] = [];
      for (let k = 1_633_568_200; k < 1_633_568_260; k++) {
        for (const t of [Math.floor(k * sliceMs) - 1, Math.floor(k * sliceMs), Math.ceil(k * sliceMs), Math.ceil(k * sliceMs) + 1]) {
          if (t <= (recorded.at(-1) ?? Number.NEGATIVE_INFINITY)) continue;
          window.record(Failure, t);
          recorded.push(t);
          // The calls in slices [slice - buckets + 1, slice], each slice by the division.
          const oldest = Math.floor(t / sliceMs) - buckets + 1;
          expect(window.figures(t).calls).toBe(recorded.filter((u) => Math.floor(u / sliceMs) >= oldest).length);
        }
      }
    }
  });

  it('round-trips through toJSON', () => {
    const window = new TimeWindow(1_000, 4);
    window.record(Failure, 10);
    window.record(Success, 260);
    const copy = new TimeWindow(1_000, 4);
    expect(copy.restore(window.toJSON())).toBe(true);
    expect(copy.figures(300)).toEqual(window.figures(300));
    expect(copy.restore([1, 2])).toBe(false);
  });
});
