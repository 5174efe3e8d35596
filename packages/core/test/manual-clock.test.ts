import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/testing/index.js';

describe('ManualClock', () => {
  it('refuses to move backwards, synchronously or not', async () => {
    const clock = new ManualClock(10);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    await expect(clock.advanceAsync(-1)).rejects.toThrow(RangeError);
    expect(clock.now()).toBe(10);
  });

  it('fires due timers in order, ties in creation order, and lets awaiting code run between them', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('c'), 20);
    const cleared = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cleared);
    clock.setTimeout(() => void Promise.resolve().then(() => fired.push('after a')), 10);
    await clock.advanceAsync(20);
    expect(fired).toEqual(['a', 'after a', 'b', 'c']);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.now()).toBe(20);
  });
});
