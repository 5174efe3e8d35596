// The shared breaker's scripts against the in-process breaker: the same random calls, outcomes,
// durations and commands go to both (client clock, exact outcomes), and after every step both must
// be in the same state with the same counts, having reported the same state changes. In batched
// mode the step's outcomes go in one batch: the record script must count them one by one as the
// in-process breaker does (a trip inside the batch makes the rest of it stale).
import { type CircuitBreakerOptions, type Permit, type StateChange, circuitBreaker } from '@breakwater/core';
import { ManualClock } from '@breakwater/core/testing';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { useRedis } from './support/redis-fixture.js';
import { seededRandom } from './support/seeded-random.js';

const redis = useRedis();

type Options = Omit<CircuitBreakerOptions, 'name' | 'clock' | 'store'>;

const configurations: Record<string, Options> = {
  'consecutive failures, two probes, two successes to close': {
    trip: { consecutiveFailures: 3 },
    recoveryTimeout: 1_000,
    maxProbes: 2,
    successThreshold: 2,
    probeTimeout: 400,
  },
  'count-window failure rate and time-window slow-call rate, with backoff': {
    trip: {
      failureRate: { threshold: 0.5, minimumCalls: 5, window: { type: 'count', size: 10 } },
      slowCallRate: { threshold: 0.6, minimumCalls: 3, slowCallDuration: 100, window: { type: 'time', duration: 2_000, buckets: 4 } },
    },
    recoveryTimeout: 500,
    backoff: { multiplier: 2, maxRecoveryTimeout: 4_000 },
    maxProbes: 3,
  },
  'every condition: consecutive, time-window failure rate, count-window slow-call rate': {
    trip: {
      consecutiveFailures: 4,
      failureRate: { threshold: 0.4, minimumCalls: 6, window: { type: 'time', duration: 1_000, buckets: 5 } },
      slowCallRate: { threshold: 0.5, minimumCalls: 4, slowCallDuration: 50, window: { type: 'count', size: 8 } },
    },
    recoveryTimeout: 300,
    successThreshold: 1,
  },
  // Slices of 1,040.67 ms: the in-process window must put every time in the slice the script's division names.
  'time-window failure and slow-call rates over fractional slices (3,122 ms in 3 buckets)': {
    trip: {
      failureRate: { threshold: 0.5, minimumCalls: 4, window: { type: 'time', duration: 3_122, buckets: 3 } },
      slowCallRate: { threshold: 0.5, minimumCalls: 4, slowCallDuration: 100, window: { type: 'time', duration: 3_122, buckets: 3 } },
    },
    recoveryTimeout: 700,
    maxProbes: 2,
  },
};

// 1,500 steps run the manual clock past many refresh intervals and window rotations (divergences found at 1,600 and 2,600 steps).
const steps = Number(process.env.MODEL_STEPS ?? 1_500);

const cases = Object.entries(configurations).flatMap(([label, options]) => (['exact', 'batched'] as const).map((outcomes) => [label, outcomes, options] as const));

describe.each(cases)('shared breaker = in-process breaker: %s (%s outcomes)', (label, outcomes, options) => {
  it(`agrees after each of ${steps} random steps`, async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const prefix = `model-${outcomes}-${label.length}`;
    const store = new RedisStore({ client: redis.client, clock: 'client', prefix, breaker: { outcomes, flushSize: 1_000 }, commandTimeout: 2_000 });
    const shared = circuitBreaker({ name: 'model', ...options, clock, store });
    const local = circuitBreaker({ name: 'model', ...options, clock });
    const changes = { shared: [] as StateChange[], local: [] as StateChange[] };
    shared.onStateChange((change) => changes.shared.push(change));
    local.onStateChange((change) => changes.local.push(change));
    await store.syncBreakers();
    const next = seededRandom(label.length + Number(process.env.MODEL_SEED ?? 0));
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const holds: { dispose(): void }[] = [];

    for (let step = 0; step < steps; step++) {
      clock.advance(pick([0, 1, 10, 60, 150, 350, 900]));
      const roll = next();
      if (roll < 0.03) {
        local.reset();
        shared.reset();
      } else if (roll < 0.06) {
        const command = pick(['isolate', 'disable', 'metricsOnly'] as const);
        holds.push(local[command](), shared[command]());
      } else if (roll < 0.1 && holds.length > 0) {
        for (const hold of holds.splice(0, 2)) hold.dispose();
      } else {
        // 1–3 calls at once: admitted together, settled in order with random outcomes and durations.
        const calls = 1 + Math.floor(next() * 3);
        const admitted: [Permit, Permit][] = [];
        for (let i = 0; i < calls; i++) {
          const a = await local.acquire();
          const b = await shared.acquire();
          expect(b.admitted, `step ${step}: admission`).toBe(a.admitted);
          if (a.admitted && b.admitted) admitted.push([a, b]);
        }
        clock.advance(pick([1, 20, 70, 120]));
        for (const [a, b] of admitted) {
          const outcome = next();
          const settle = outcome < 0.45 ? (p: Permit) => p.failure(new Error('x')) : outcome < 0.5 ? (p: Permit) => p.release() : (p: Permit) => p.success();
          settle(a);
          settle(b);
        }
      }
      await store.syncBreakers();
      const [s, l] = [shared.snapshot(), local.snapshot()];
      const pickFigures = (x: typeof s) => ({ state: x.state, consecutiveFailures: x.consecutiveFailures, failureRate: x.failureRate, slowCallRate: x.slowCallRate, calls: x.calls, failures: x.failures, slowCalls: x.slowCalls, retryAfterMs: x.retryAfterMs });
      expect(pickFigures(s), `step ${step}`).toEqual(pickFigures(l));
    }
    expect(changes.local.length).toBeGreaterThan(5);
    expect(changes.shared).toEqual(changes.local);
    shared.close();
    store.close();
  }, 60_000);
});
