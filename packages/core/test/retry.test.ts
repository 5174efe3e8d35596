import { describe, expect, it, vi } from 'vitest';
import {
  BulkheadFullError,
  CircuitOpenError,
  RetryExhaustedError,
  circuitBreaker,
  isBreakwaterError,
  retry,
  retryBudget,
  type RetryContext,
  type RetryGaveUp,
  type RetryScheduled,
} from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';
import { settle, track } from './simulation-support.js';

const noJitter = { type: 'exponential', initialDelay: 100, maxDelay: 10_000, multiplier: 2, jitter: 'none' } as const;

/** A function failing its first `failures` calls, recording each attempt's context and time. */
function flaky(failures: number, clock: ManualClock, result: unknown = 'ok') {
  const attempts: { attempt: number; at: number }[] = [];
  const errors: Error[] = [];
  const fn = (context: RetryContext) => {
    attempts.push({ attempt: context.attempt, at: clock.now() });
    if (attempts.length <= failures) {
      const error = new Error(`failure ${attempts.length}`);
      errors.push(error);
      throw error;
    }
    return result;
  };
  return { fn, attempts, errors };
}

describe('retry: attempts and backoff', () => {
  it('retries until the call succeeds, waiting the backoff between attempts', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ maxAttempts: 4, backoff: noJitter, budget: false, clock });
    const { fn, attempts } = flaky(2, clock);
    const call = track(policy.execute(fn));
    await clock.advanceAsync(99);
    expect(attempts).toHaveLength(1);
    await clock.advanceAsync(1);
    expect(attempts).toHaveLength(2);
    await clock.advanceAsync(200);
    expect(call).toEqual({ state: 'resolved', value: 'ok' });
    expect(attempts).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 100 },
      { attempt: 3, at: 300 },
    ]);
    expect(policy.snapshot()).toMatchObject({ kind: 'retry', name: 'retry', retries: 2, gaveUp: 0, budget: null, health: 'healthy' });
  });

  it('gives up after maxAttempts with RetryExhaustedError carrying the attempts and the last error', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ name: 'catalog', maxAttempts: 3, backoff: noJitter, budget: false, clock });
    const retries: RetryScheduled[] = [];
    const gaveUp: RetryGaveUp[] = [];
    policy.onRetry((event) => retries.push(event));
    policy.onGiveUp((event) => gaveUp.push(event));
    const { fn, errors } = flaky(10, clock);
    const call = settle(policy.execute(fn));
    await clock.advanceAsync(1_000);
    const error = (await call) as RetryExhaustedError;
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(isBreakwaterError(error, 'ERR_RETRY_EXHAUSTED')).toBe(true);
    expect(error).toMatchObject({ attempts: 3, reason: 'max-attempts', policy: 'catalog', lastError: errors[2], cause: errors[2] });
    expect(error.message).toBe('"catalog" gave up after 3 attempts: failure 3');
    expect(error.name).toBe('RetryExhaustedError');
    expect(retries).toEqual([
      { policy: 'catalog', attempt: 1, delayMs: 100, outcome: { ok: false, error: errors[0] } },
      { policy: 'catalog', attempt: 2, delayMs: 200, outcome: { ok: false, error: errors[1] } },
    ]);
    expect(gaveUp).toEqual([{ policy: 'catalog', attempts: 3, reason: 'max-attempts', outcome: { ok: false, error: errors[2] } }]);
    expect(policy.snapshot()).toMatchObject({ retries: 2, gaveUp: 1 });
  });

  it('maxAttempts 1 never retries but still reports exhaustion', async () => {
    const policy = retry({ maxAttempts: 1, budget: false, clock: new ManualClock() });
    const boom = new Error('boom');
    const error = (await settle(policy.execute(() => Promise.reject(boom)))) as RetryExhaustedError;
    expect(error).toMatchObject({ attempts: 1, lastError: boom });
  });

  it('draws jitter from the injected random source', async () => {
    const clock = new ManualClock(0);
    const random = vi.fn().mockReturnValueOnce(0.5).mockReturnValueOnce(0.25);
    const policy = retry({ maxAttempts: 3, backoff: { ...noJitter, jitter: 'full' }, budget: false, random, clock });
    const { fn, attempts } = flaky(2, clock);
    const call = settle(policy.execute(fn));
    await clock.advanceAsync(1_000);
    await call;
    expect(attempts.map((a) => a.at)).toEqual([0, 50, 100]); // 0.5 × 100, then 0.25 × 200
    expect(random).toHaveBeenCalledTimes(2);
  });
});

describe('retry: what is retried', () => {
  it('passes an error retryIf declines unchanged, without retrying', async () => {
    const clock = new ManualClock();
    const retryIf = vi.fn((error: unknown) => !(error instanceof TypeError));
    const policy = retry({ retryIf, budget: false, clock });
    const bad = new TypeError('bad input');
    const fn = vi.fn(() => Promise.reject(bad));
    await expect(policy.execute(fn)).rejects.toBe(bad);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(retryIf).toHaveBeenCalledWith(bad, 1);
  });

  it('never retries an open breaker’s rejection by default', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 } });
    await settle(breaker.execute(() => Promise.reject(new Error('down'))));
    const policy = retry({ budget: false, clock });
    const attempts = vi.fn(() => breaker.execute(() => 'never'));
    const error = await settle(policy.execute(attempts));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(attempts).toHaveBeenCalledTimes(1);
  });

  it('a custom retryIf decides for every error, an open breaker’s too', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, retryIf: () => true, budget: false, backoff: noJitter, clock, retryAfter: false });
    const open = new CircuitOpenError('db', 'open', 10);
    const fn = vi.fn(() => Promise.reject(open));
    const call = settle(policy.execute(fn));
    await clock.advanceAsync(100);
    expect(await call).toBeInstanceOf(RetryExhaustedError);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a predicate that throws declines the retry', async () => {
    const policy = retry({
      retryIf: () => {
        throw new Error('predicate bug');
      },
      budget: false,
      clock: new ManualClock(),
    });
    const boom = new Error('boom');
    await expect(policy.execute(() => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('retries results retryIfResult asks for, and answers the last result once attempts run out', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ maxAttempts: 3, backoff: noJitter, budget: false, clock, retryIfResult: (result) => (result as { status: number }).status === 503 });
    const gaveUp = vi.fn();
    policy.onGiveUp(gaveUp);
    const responses = [{ status: 503 }, { status: 503 }, { status: 200 }];
    let i = 0;
    const call = track(policy.execute(() => responses[i++]));
    await clock.advanceAsync(300);
    expect(call).toEqual({ state: 'resolved', value: { status: 200 } });
    i = 0;
    responses[2] = { status: 503 };
    const exhausted = track(policy.execute(() => responses[i++]));
    await clock.advanceAsync(300);
    expect(exhausted).toEqual({ state: 'resolved', value: responses[2] });
    expect(gaveUp).toHaveBeenCalledExactlyOnceWith({ policy: 'retry', attempts: 3, reason: 'max-attempts', outcome: { ok: true, result: responses[2] } });
  });
});

describe('retry: the caller’s signal', () => {
  it('reaches every attempt; aborting during a wait rejects at once and clears the timer', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ maxAttempts: 5, backoff: noJitter, budget: false, clock });
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const call = track(
      policy.execute(({ signal }) => {
        signals.push(signal);
        throw new Error('down');
      }, { signal: controller.signal }),
    );
    await flushMicrotasks();
    expect(signals).toEqual([controller.signal]);
    expect(clock.pendingTimers).toBe(1);
    controller.abort('client went away');
    await flushMicrotasks();
    expect(call).toEqual({ state: 'rejected', value: 'client went away' });
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(10_000);
    expect(signals).toHaveLength(1);
  });

  it('does not retry an attempt that failed after the caller aborted', async () => {
    const policy = retry({ budget: false, clock: new ManualClock() });
    const controller = new AbortController();
    const fn = vi.fn(() => {
      controller.abort('gone');
      throw new Error('aborted mid-call');
    });
    await expect(policy.execute(fn, { signal: controller.signal })).rejects.toThrow('aborted mid-call');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('never builds an AbortController when nobody passes or reads a signal', async () => {
    const clock = new ManualClock();
    const controllers = vi.spyOn(globalThis, 'AbortController');
    const policy = retry({ backoff: noJitter, budget: false, clock });
    const { fn } = flaky(1, clock);
    const call = policy.execute(fn);
    await clock.advanceAsync(100);
    await expect(call).resolves.toBe('ok');
    expect(controllers).not.toHaveBeenCalled();
    controllers.mockRestore();
  });
});

describe('retry: Retry-After', () => {
  const response = (status: number, retryAfter?: string) => ({ status, headers: new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) });
  const retryOn429 = (result: unknown) => (result as { status: number }).status === 429;

  it('waits the seconds a Retry-After header asks for, instead of the backoff', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ backoff: noJitter, budget: false, clock, retryIfResult: retryOn429 });
    const replies = [response(429, '3'), response(200)];
    const at: number[] = [];
    const call = track(
      policy.execute(() => {
        at.push(clock.now());
        return replies.shift();
      }),
    );
    await clock.advanceAsync(3_000);
    expect(call.state).toBe('resolved');
    expect(at).toEqual([0, 3_000]);
  });

  it('reads an HTTP date against the clock', async () => {
    const start = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    const clock = new ManualClock(start);
    const policy = retry({ budget: false, clock, retryIfResult: retryOn429 });
    const replies = [response(429, 'Wed, 21 Oct 2015 07:28:12 GMT'), response(200)];
    const at: number[] = [];
    const call = track(
      policy.execute(() => {
        at.push(clock.now() - start);
        return replies.shift();
      }),
    );
    await clock.advanceAsync(12_000);
    expect(call.state).toBe('resolved');
    expect(at).toEqual([0, 12_000]);
  });

  it('caps the wait at retryAfter.max', async () => {
    const clock = new ManualClock(0);
    const policy = retry({ budget: false, clock, retryIfResult: retryOn429, retryAfter: { max: '5s' } });
    const onRetry = vi.fn();
    policy.onRetry(onRetry);
    const replies = [response(429, '3600'), response(200)];
    const call = settle(policy.execute(() => replies.shift()));
    await clock.advanceAsync(5_000);
    await call;
    expect(onRetry.mock.calls[0]![0]).toMatchObject({ delayMs: 5_000 });
  });

  it('honours retryAfterMs on an error (a Breakwater rejection), and ignores it all with retryAfter: false', async () => {
    const clock = new ManualClock(0);
    const full = new BulkheadFullError('db', 'full', 250);
    const delays: number[] = [];
    const honouring = retry({ maxAttempts: 2, budget: false, clock, backoff: noJitter });
    honouring.onRetry((event) => delays.push(event.delayMs));
    const ignoring = retry({ maxAttempts: 2, budget: false, clock, backoff: noJitter, retryAfter: false });
    ignoring.onRetry((event) => delays.push(event.delayMs));
    const calls = [settle(honouring.execute(() => Promise.reject(full))), settle(ignoring.execute(() => Promise.reject(full)))];
    await clock.advanceAsync(1_000);
    await Promise.all(calls);
    expect(delays).toEqual([250, 100]);
  });

  it('a custom reader decides the wait', async () => {
    const clock = new ManualClock(0);
    const read = vi.fn(() => 42);
    const policy = retry({ maxAttempts: 2, budget: false, clock, retryAfter: { read } });
    const onRetry = vi.fn();
    policy.onRetry(onRetry);
    const boom = new Error('boom');
    const call = settle(policy.execute(() => Promise.reject(boom)));
    await clock.advanceAsync(42);
    await call;
    expect(read).toHaveBeenCalledWith({ ok: false, error: boom }, 0);
    expect(onRetry.mock.calls[0]![0]).toMatchObject({ delayMs: 42 });
  });
});

describe('retry: budget', () => {
  it('gives up with reason budget once retries would exceed the budget', async () => {
    const clock = new ManualClock(0);
    // No reserve: only 10 % of recent calls may be retried.
    const policy = retry({ maxAttempts: 3, backoff: { ...noJitter, initialDelay: 0, maxDelay: 0 }, budget: { ratio: 0.1, minRetriesPerSecond: 0 }, clock });
    const gaveUp = vi.fn();
    policy.onGiveUp(gaveUp);
    const boom = new Error('down');
    const first = (await settle(policy.execute(() => Promise.reject(boom)))) as RetryExhaustedError;
    expect(first).toMatchObject({ reason: 'budget', attempts: 1, lastError: boom });
    expect(first.message).toBe('"retry" gave up after the retry budget is spent: down');
    expect(gaveUp).toHaveBeenCalledWith({ policy: 'retry', attempts: 1, reason: 'budget', outcome: { ok: false, error: boom } });
    // Ten successful calls earn one retry.
    for (let i = 0; i < 10; i++) await policy.execute(() => 'ok');
    const attempts = vi.fn(() => Promise.reject(boom));
    const call = settle(policy.execute(attempts));
    await clock.advanceAsync(0);
    expect(await call).toMatchObject({ reason: 'budget', attempts: 2 });
    expect(attempts).toHaveBeenCalledTimes(2);
    expect(policy.snapshot()).toMatchObject({ health: 'degraded', budget: { available: 0 } });
  });

  it('allows minRetriesPerSecond over the window however few calls there are', async () => {
    const clock = new ManualClock(0);
    const budget = retryBudget({ ratio: 0.1, minRetriesPerSecond: 1, window: '10s', clock });
    // A reserve of 1/s × 10 s: ten retries now, then about one a second as old ones fade.
    const granted = Array.from({ length: 12 }, () => budget.tryRetry()).filter(Boolean).length;
    expect(granted).toBe(10);
    clock.advance(1_100);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });

  it('a budget shared by two policies caps their retries together', async () => {
    const clock = new ManualClock(0);
    const shared = retryBudget({ ratio: 0.5, minRetriesPerSecond: 0, clock });
    const a = retry({ name: 'a', maxAttempts: 2, budget: shared, clock, backoff: noJitter });
    const b = retry({ name: 'b', maxAttempts: 2, budget: shared, clock, backoff: noJitter });
    expect(a.budget).toBe(shared);
    await a.execute(() => 1); // with the two failing calls below: 3 calls × 0.5 = one retry between them
    const boom = new Error('x');
    const first = settle(a.execute(() => Promise.reject(boom)));
    const second = settle(b.execute(() => Promise.reject(boom)));
    await clock.advanceAsync(100);
    const reasons = [(await first) as RetryExhaustedError, (await second) as RetryExhaustedError].map((e) => e.reason);
    expect(reasons.sort()).toEqual(['budget', 'max-attempts']);
  });

  it('budget: false retries without limit; a policy’s own budget uses its clock', () => {
    expect(retry({ budget: false }).budget).toBeUndefined();
    const clock = new ManualClock();
    const policy = retry({ clock });
    expect(policy.budget?.options).toMatchObject({ ratio: 0.2, minRetriesPerSecond: 10, window: 10_000 });
    expect(policy.budget?.options.clock).toBe(clock);
  });

  it('counts calls with one increment: the clock is read only when a retry asks', async () => {
    const clock = new ManualClock(0);
    const now = vi.spyOn(clock, 'now');
    const policy = retry({ clock });
    now.mockClear();
    for (let i = 0; i < 100; i++) await policy.execute(() => i);
    expect(now).not.toHaveBeenCalled();
  });
});
