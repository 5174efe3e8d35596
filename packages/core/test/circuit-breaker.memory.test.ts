import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type CircuitBreaker, circuitBreaker } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('circuit breaker memory', () => {
  it('a breaker with a 100-call window costs at most 2 KB', async () => {
    const clock = new ManualClock(0);
    const count = 5_000;
    const keep: CircuitBreaker[] = [];
    const before = heapAfterGc();
    for (let i = 0; i < count; i++) {
      keep.push(
        circuitBreaker({
          name: `dependency-${i}`,
          clock,
          trip: { consecutiveFailures: 5, failureRate: { threshold: 0.5, window: { type: 'count', size: 100 } } },
        }),
      );
    }
    // Fill every window so the measurement includes the recorded outcomes.
    for (const breaker of keep) for (let call = 0; call < 100; call++) await breaker.execute(() => call);
    const bytesPerBreaker = (heapAfterGc() - before) / count;
    expect(keep).toHaveLength(count);
    console.info(`circuit breaker with a 100-call window: ${Math.round(bytesPerBreaker)} bytes`);
    expect(bytesPerBreaker).toBeLessThanOrEqual(2_048);
  });
});
