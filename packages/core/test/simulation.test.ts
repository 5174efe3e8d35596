/**
 * Deterministic simulations: a dependency failing at random (seeded), traffic in waves of
 * concurrent calls, and time driven by a ManualClock. Same seed, same run, every time.
 */
import { describe, expect, it } from 'vitest';
import { circuitBreaker, pipeline, retry, type RetryOptions } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
import { seededRandom, settle } from './simulation-support.js';

interface Traffic {
  /** Waves of calls, started together. */
  readonly waves: number;
  readonly callsPerWave: number;
  /** Simulated time between waves (long enough for every retry of a wave to finish). */
  readonly waveMs: number;
}

interface Outcome {
  readonly calls: number;
  readonly succeeded: number;
  /** Calls that reached the dependency, retries included. */
  readonly attempts: number;
}

/** Runs `traffic` through `execute` against a dependency failing with probability `failureRate`. */
async function simulate(
  clock: ManualClock,
  failureRate: number,
  seed: number,
  traffic: Traffic,
  execute: (dependency: () => Promise<string>) => Promise<unknown>,
): Promise<Outcome> {
  const random = seededRandom(seed);
  let attempts = 0;
  const dependency = (): Promise<string> => {
    attempts++;
    return random() < failureRate ? Promise.reject(new Error('dependency failed')) : Promise.resolve('ok');
  };
  let succeeded = 0;
  for (let wave = 0; wave < traffic.waves; wave++) {
    const calls = Array.from({ length: traffic.callsPerWave }, () => settle(execute(dependency)));
    await clock.advanceAsync(traffic.waveMs);
    for (const result of await Promise.all(calls)) if (result === 'ok') succeeded++;
  }
  return { calls: traffic.waves * traffic.callsPerWave, succeeded, attempts };
}

/** 10,000 calls, 50 at a time, a wave every 300 ms (about 167 calls/s). */
const traffic: Traffic = { waves: 200, callsPerWave: 50, waveMs: 300 };
const backoff = { type: 'exponential', initialDelay: '10ms', maxDelay: '100ms', jitter: 'full' } as const;

/** Retry + breaker as an app would compose them; the breaker trips on a 50 % failure rate. */
function retryAndBreaker(clock: ManualClock, seed: number, maxAttempts: number) {
  const options: RetryOptions = {
    maxAttempts,
    backoff,
    // A 20 %-failing dependency needs retries worth about 25 % of calls: give the budget room for that.
    budget: { ratio: 0.3 },
    random: seededRandom(seed + 1),
    clock,
  };
  const breaker = circuitBreaker({
    name: 'dependency',
    clock,
    trip: { failureRate: { threshold: 0.5, minimumCalls: 20, window: { type: 'count', size: 100 } } },
  });
  return { breaker, composed: pipeline(retry(options), breaker) };
}

describe('simulation: a dependency failing 20 % of calls at random', () => {
  it('behind retry (three retries: 4 attempts) + breaker, ≥ 99.5 % of calls succeed', async () => {
    const clock = new ManualClock(0);
    const { breaker, composed } = retryAndBreaker(clock, 2024, 4);
    const outcome = await simulate(clock, 0.2, 2024, traffic, (dependency) => composed.execute(dependency));
    expect(outcome.calls).toBe(10_000);
    // 1 - 0.2^4 = 99.84 % expected.
    expect(outcome.succeeded / outcome.calls).toBeGreaterThanOrEqual(0.995);
    expect(breaker.state).toBe('closed');
    // Each call makes 1 + 0.2 + 0.04 + 0.008 = 1.248 attempts on average.
    expect(outcome.attempts / outcome.calls).toBeGreaterThan(1.2);
    expect(outcome.attempts / outcome.calls).toBeLessThan(1.3);
  });

  it('behind retry (3 attempts in all) + breaker, success is 1 - 0.2³ = 99.2 %: 99.5 % needs a fourth attempt', async () => {
    // With independent failures no policy can beat 1 - p^attempts: 3 attempts at p = 0.2 leave 0.8 % of
    // calls failing. This run checks that the policies lose nothing on top of that.
    const clock = new ManualClock(0);
    const { breaker, composed } = retryAndBreaker(clock, 7, 3);
    const outcome = await simulate(clock, 0.2, 7, traffic, (dependency) => composed.execute(dependency));
    const successRate = outcome.succeeded / outcome.calls;
    expect(successRate).toBeGreaterThanOrEqual(0.99); // 99.2 % ± 0.09 % (σ over 10,000 calls)
    expect(successRate).toBeLessThan(0.995);
    expect(breaker.state).toBe('closed');
  });

  it('without retry, about 80 % succeed (the baseline the policies improve on)', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'alone', clock, trip: { failureRate: { threshold: 0.5, minimumCalls: 20 } } });
    const outcome = await simulate(clock, 0.2, 99, traffic, (dependency) => breaker.execute(dependency));
    expect(outcome.succeeded / outcome.calls).toBeGreaterThan(0.78);
    expect(outcome.succeeded / outcome.calls).toBeLessThan(0.82);
  });
});

describe('simulation: an always-failing dependency behind retry with a 10 % budget', () => {
  it('total attempts stay ≤ 1.1 × calls (naive retry would make 3×)', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ maxAttempts: 3, backoff, budget: { ratio: 0.1, minRetriesPerSecond: 0 }, random: seededRandom(5), clock });
    const outcome = await simulate(clock, 1, 5, traffic, (dependency) => policy.execute(dependency));
    expect(outcome.succeeded).toBe(0);
    expect(outcome.attempts).toBeLessThanOrEqual(1.1 * outcome.calls);
    expect(outcome.attempts).toBeGreaterThan(1.05 * outcome.calls); // the budget is used, not just refused
    expect(policy.snapshot().gaveUp).toBe(outcome.calls);
  });

  it('with the minimum of retries per second, attempts stay ≤ 1.1 × calls + that floor', async () => {
    const clock = new ManualClock(0);
    const minRetriesPerSecond = 2;
    const policy = retry({ maxAttempts: 3, backoff, budget: { ratio: 0.1, minRetriesPerSecond }, random: seededRandom(6), clock });
    const outcome = await simulate(clock, 1, 6, traffic, (dependency) => policy.execute(dependency));
    const seconds = (traffic.waves * traffic.waveMs) / 1_000;
    // The floor: the reserve (minRetriesPerSecond × window) plus minRetriesPerSecond for each second.
    const floor = minRetriesPerSecond * (seconds + 10);
    expect(outcome.attempts).toBeLessThanOrEqual(1.1 * outcome.calls + floor);
  });

  it('naive retry (no budget) triples the load', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ maxAttempts: 3, backoff, budget: false, random: seededRandom(8), clock });
    const outcome = await simulate(clock, 1, 8, { ...traffic, waves: 20 }, (dependency) => policy.execute(dependency));
    expect(outcome.attempts).toBe(3 * outcome.calls);
  });

  it('behind retry + breaker, the open breaker shields the dependency and is not retried', async () => {
    const clock = new ManualClock(0);
    const composed = pipeline(
      retry({ maxAttempts: 3, backoff, budget: false, random: seededRandom(9), clock }),
      circuitBreaker({ name: 'shield', clock, trip: { consecutiveFailures: 5 }, recoveryTimeout: '10s' }),
    );
    const outcome = await simulate(clock, 1, 9, traffic, (dependency) => composed.execute(dependency));
    // One probe every 10 s of the 60 s run, plus the failures that tripped it.
    expect(outcome.attempts).toBeLessThan(0.01 * outcome.calls);
  });
});
