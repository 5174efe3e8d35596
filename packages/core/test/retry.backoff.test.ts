import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseDelay, nextDelay, retry, type Jitter, type ResolvedBackoff } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
import { seededRandom, settle } from './simulation-support.js';

const backoffArb = fc
  .record({
    type: fc.constantFrom('constant' as const, 'linear' as const, 'exponential' as const),
    initialDelay: fc.double({ min: 0, max: 10_000, noNaN: true }),
    extra: fc.double({ min: 0, max: 100_000, noNaN: true }),
    multiplier: fc.double({ min: 1, max: 10, noNaN: true }),
    jitter: fc.constantFrom<Jitter>('none', 'full', 'equal'),
  })
  .map(({ extra, ...rest }): ResolvedBackoff => ({ ...rest, maxDelay: rest.initialDelay + extra }));

const decorrelatedArb = fc
  .record({ initialDelay: fc.double({ min: 0.001, max: 10_000, noNaN: true }), extra: fc.double({ min: 0, max: 100_000, noNaN: true }) })
  .map(({ initialDelay, extra }): ResolvedBackoff => ({ type: 'exponential', initialDelay, maxDelay: initialDelay + extra, multiplier: 2, jitter: 'decorrelated' }));

/** Random sources worth trying: anything in [0, 1), its extremes included. */
const unitArb = fc.oneof(fc.constant(0), fc.constant(1 - Number.EPSILON), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }));

describe('backoff bounds (fast-check)', () => {
  it('every delay lies within [0, maxDelay]', () => {
    fc.assert(
      fc.property(backoffArb, fc.integer({ min: 1, max: 2_000 }), unitArb, (backoff, retryNumber, r) => {
        const delay = nextDelay(backoff, retryNumber, backoff.initialDelay, () => r);
        return delay >= 0 && delay <= backoff.maxDelay && Number.isFinite(delay);
      }),
      { numRuns: 2_000 },
    );
  });

  it('each jitter stays within its range around the base delay', () => {
    fc.assert(
      fc.property(backoffArb, fc.integer({ min: 1, max: 200 }), unitArb, (backoff, retryNumber, r) => {
        const base = baseDelay(backoff, retryNumber);
        const delay = nextDelay(backoff, retryNumber, backoff.initialDelay, () => r);
        if (backoff.jitter === 'none') return delay === base;
        if (backoff.jitter === 'full') return delay >= 0 && delay <= base;
        return delay >= base / 2 && delay <= base;
      }),
      { numRuns: 2_000 },
    );
  });

  it('the base delay follows its formula, capped at maxDelay', () => {
    fc.assert(
      fc.property(backoffArb, fc.integer({ min: 1, max: 60 }), (backoff, retryNumber) => {
        const { type, initialDelay, maxDelay, multiplier } = backoff;
        const raw = type === 'constant' ? initialDelay : type === 'linear' ? initialDelay * retryNumber : initialDelay * multiplier ** (retryNumber - 1);
        expect(baseDelay(backoff, retryNumber)).toBe(Math.min(raw, maxDelay));
      }),
      { numRuns: 1_000 },
    );
  });

  it('decorrelated jitter: each delay lies in [initialDelay, min(maxDelay, 3 × the previous delay)]', () => {
    fc.assert(
      fc.property(decorrelatedArb, fc.array(unitArb, { minLength: 1, maxLength: 40 }), (backoff, draws) => {
        let previous = backoff.initialDelay;
        draws.forEach((r, index) => {
          const delay = nextDelay(backoff, index + 1, previous, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.min(backoff.initialDelay, backoff.maxDelay));
          expect(delay).toBeLessThanOrEqual(Math.min(backoff.maxDelay, Math.max(backoff.initialDelay, 3 * previous)));
          previous = delay;
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('the delays a retry policy waits stay within bounds, whatever its random source says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Jitter>('none', 'full', 'equal', 'decorrelated'),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer(),
        async (jitter, initialDelay, extra, seed) => {
          const clock = new ManualClock(0);
          const maxDelay = initialDelay + extra;
          const policy = retry({
            maxAttempts: 6,
            backoff: { type: 'exponential', initialDelay, maxDelay, jitter },
            budget: false,
            retryAfter: false,
            random: seededRandom(seed),
            clock,
          });
          const delays: number[] = [];
          policy.onRetry((event) => delays.push(event.delayMs));
          const call = settle(policy.execute(() => Promise.reject(new Error('down'))));
          await clock.advanceAsync(6 * maxDelay + 1);
          await call;
          expect(delays).toHaveLength(5);
          for (const delay of delays) {
            expect(delay).toBeGreaterThanOrEqual(jitter === 'decorrelated' ? initialDelay : 0);
            expect(delay).toBeLessThanOrEqual(maxDelay);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('backoff sequences', () => {
  const base = { initialDelay: 100, maxDelay: 1_000, multiplier: 3, jitter: 'none' } as const;
  const sequence = (backoff: ResolvedBackoff, n = 6) => Array.from({ length: n }, (_, i) => nextDelay(backoff, i + 1, backoff.initialDelay, () => 0.5));

  it.each([
    ['constant', [100, 100, 100, 100, 100, 100]],
    ['linear', [100, 200, 300, 400, 500, 600]],
    ['exponential', [100, 300, 900, 1_000, 1_000, 1_000]],
  ] as const)('%s without jitter', (type, expected) => {
    expect(sequence({ ...base, type })).toEqual(expected);
  });

  it('full and equal jitter with a random source of 0.5', () => {
    expect(sequence({ ...base, type: 'exponential', jitter: 'full' }, 3)).toEqual([50, 150, 450]);
    expect(sequence({ ...base, type: 'exponential', jitter: 'equal' }, 3)).toEqual([75, 225, 675]);
  });

  it('an exponent that overflows caps at maxDelay', () => {
    expect(nextDelay({ ...base, type: 'exponential', multiplier: 1_000 }, 500, 100, () => 0)).toBe(1_000);
  });
});
