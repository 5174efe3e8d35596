import { describe, expect, it } from 'vitest';
import { limitOf, MemoryStore, type LimitSpec } from '../src/index.js';

describe('limitOf', () => {
  const specs: [LimitSpec, number][] = [
    [{ id: 'tb', algorithm: 'token-bucket', capacity: 7, refillRate: 1, refillIntervalMs: 1000 }, 7],
    [{ id: 'gc', algorithm: 'gcra', limit: 10, periodMs: 1000, burst: 20 }, 20],
    [{ id: 'sw', algorithm: 'sliding-window', limit: 5, windowMs: 1000 }, 5],
    [{ id: 'fw', algorithm: 'fixed-window', limit: 4, windowMs: 1000 }, 4],
    [{ id: 'cw', algorithm: 'calendar-window', limit: 3, windowStart: 0, windowEnd: 10_000 }, 3],
  ];

  it.each(specs)('is the limit the memory store reports for %o', (spec, expected) => {
    expect(limitOf(spec)).toBe(expected);
    expect(new MemoryStore().consume(spec, 'k', 1, 1)).toMatchObject({ limit: expected });
  });
});
