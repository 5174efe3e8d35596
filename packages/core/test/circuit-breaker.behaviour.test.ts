import { describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, TimeoutError, circuitBreaker, isBreakwaterError, type Permit } from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';

const boom = new Error('boom');
const fail = (): never => {
  throw boom;
};

async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  return promise.catch((error: unknown) => error);
}

describe('circuit breaker: trip conditions', () => {
  it('consecutive failures trip; a success in between starts the count again', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), trip: { consecutiveFailures: 3 } });
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    await breaker.execute(() => 'ok');
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('closed');
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('open');
  });

  it('a failure rate trips only once minimumCalls is reached', async () => {
    const breaker = circuitBreaker({
      name: 'db',
      clock: new ManualClock(),
      trip: { failureRate: { threshold: 0.5, minimumCalls: 4, window: { type: 'count', size: 10 } } },
    });
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('closed'); // 3 calls < minimumCalls
    await breaker.execute(() => 1);
    expect(breaker.snapshot()).toMatchObject({ calls: 4, failures: 3, failureRate: 0.75, state: 'closed' });
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('open');
  });

  it('a time-window failure rate forgets failures older than the window', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({
      name: 'db',
      clock,
      trip: { failureRate: { threshold: 0.5, minimumCalls: 4, window: { type: 'time', duration: '10s', buckets: 10 } } },
    });
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    clock.advance(11_000);
    await breaker.execute(() => 1);
    await breaker.execute(() => 1);
    await breaker.execute(() => 1);
    await settle(breaker.execute(fail));
    expect(breaker.snapshot()).toMatchObject({ calls: 4, failures: 1, state: 'closed' });
  });

  it('slow calls trip the slow-call rate even when they succeed', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({
      name: 'search',
      clock,
      trip: { slowCallRate: { threshold: 0.5, minimumCalls: 2, slowCallDuration: '1s', window: { type: 'count', size: 10 } } },
    });
    const slow = vi.fn();
    breaker.onSlowCall(slow);
    for (let i = 0; i < 2; i++) {
      const permit = (await breaker.acquire()) as Permit;
      clock.advance(1_500);
      permit.success();
    }
    expect(slow).toHaveBeenCalledWith({ breaker: 'search', durationMs: 1_500, slowCallDurationMs: 1_000 });
    expect(breaker.state).toBe('open');
  });

  it('result predicates and error predicates classify outcomes', async () => {
    const breaker = circuitBreaker({
      name: 'api',
      clock: new ManualClock(),
      trip: { consecutiveFailures: 2 },
      isResultFailure: (result) => (result as { status: number }).status >= 500,
      isFailure: (error) => (error as Error).message !== 'not found',
      isIgnored: (error) => (error as Error).name === 'AbortError',
    });
    await breaker.execute(() => ({ status: 503 }));
    expect(breaker.snapshot().consecutiveFailures).toBe(1);
    await settle(breaker.execute(() => Promise.reject(new Error('not found')))); // counts as a success
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    await settle(breaker.execute(() => Promise.reject(abort)));
    // The ignored abort is not counted: one failure (the 503) and one success so far.
    expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 0, calls: 2, failures: 1 });
  });
});

describe('circuit breaker: open and half-open', () => {
  it('rejects while open with the remaining open time, without running the call', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: '10s' });
    await settle(breaker.execute(fail));
    clock.advance(4_000);
    const fn = vi.fn();
    const error = await settle(breaker.execute(fn));
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', reason: 'open', retryAfterMs: 6_000, policy: 'db' });
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAfterMs: 6_000, health: 'unhealthy', timeInStateMs: 4_000 });
  });

  it('grows the open duration by backoff after failed probes and resets it on close', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({
      name: 'db',
      clock,
      trip: { consecutiveFailures: 1 },
      recoveryTimeout: 1_000,
      backoff: { multiplier: 3, maxRecoveryTimeout: 5_000 },
    });
    await settle(breaker.execute(fail));
    const openFor = [];
    for (let i = 0; i < 3; i++) {
      openFor.push(breaker.snapshot().retryAfterMs);
      clock.advance(breaker.snapshot().retryAfterMs);
      await settle(breaker.execute(fail)); // the probe fails
    }
    expect(openFor).toEqual([1_000, 3_000, 5_000]);
    clock.advance(5_000);
    await breaker.execute(() => 'ok');
    expect(breaker.state).toBe('closed');
    await settle(breaker.execute(fail));
    expect(breaker.snapshot().retryAfterMs).toBe(1_000);
  });

  it('ignores a late success from a call admitted before the breaker opened', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: 1_000 });
    const early = (await breaker.acquire()) as Permit;
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('open');
    early.success();
    expect(breaker.state).toBe('open');
    clock.advance(1_000);
    const probe = (await breaker.acquire()) as Permit;
    expect(breaker.state).toBe('half-open');
    probe.success();
    expect(breaker.state).toBe('closed');
  });

  it('needs successThreshold probe successes to close; a failed probe re-opens', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: 100, successThreshold: 2 });
    await settle(breaker.execute(fail));
    clock.advance(100);
    await breaker.execute(() => 1);
    expect(breaker.state).toBe('half-open');
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('open');
    clock.advance(100);
    await breaker.execute(() => 1);
    await breaker.execute(() => 1);
    expect(breaker.state).toBe('closed');
  });

  it('a released probe frees its slot without counting', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: 0 });
    await settle(breaker.execute(fail));
    const probe = (await breaker.acquire()) as Permit;
    expect((await breaker.acquire()).admitted).toBe(false);
    probe.release();
    expect(breaker.state).toBe('half-open');
    const next = await breaker.acquire();
    expect(next.admitted).toBe(true);
  });
});

describe('circuit breaker: per-call timeout', () => {
  it('rejects at the deadline even if the call ignores its signal, aborts the signal, counts a failure', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'slow', clock, trip: { consecutiveFailures: 1 }, timeout: '2s' });
    const onTimeout = vi.fn();
    breaker.onTimeout(onTimeout);
    let signal: AbortSignal | undefined;
    const never = breaker.execute((context) => {
      signal = context.signal;
      return new Promise(() => {});
    });
    const outcome = settle(never);
    clock.advance(2_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isBreakwaterError(error, 'ERR_TIMEOUT')).toBe(true);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(onTimeout).toHaveBeenCalledWith({ breaker: 'slow', timeoutMs: 2_000 });
    expect(breaker.state).toBe('open');
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears the timer when the call finishes first and never builds a signal nobody reads', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'fast', clock, timeout: 1_000 });
    const controllers = vi.spyOn(globalThis, 'AbortController');
    await expect(breaker.execute(() => 7)).resolves.toBe(7);
    expect(controllers).not.toHaveBeenCalled();
    controllers.mockRestore();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a caller that aborts releases the permit instead of counting a failure', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), trip: { consecutiveFailures: 1 } });
    const controller = new AbortController();
    const call = settle(
      breaker.execute(
        ({ signal }) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
        { signal: controller.signal },
      ),
    );
    controller.abort(new Error('client went away'));
    await call;
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().calls).toBe(0);
    await expect(breaker.execute(() => 1, { signal: controller.signal })).rejects.toThrow('client went away');
  });
});

describe('circuit breaker: fallback', () => {
  it('answers rejections and failures with the fallback', async () => {
    const breaker = circuitBreaker({
      name: 'prices',
      clock: new ManualClock(),
      trip: { consecutiveFailures: 1 },
      fallback: (error) => (isBreakwaterError(error, 'ERR_CIRCUIT_OPEN') ? 'cached' : 'default'),
    });
    await expect(breaker.execute(fail)).resolves.toBe('default');
    await expect(breaker.execute(() => 'live')).resolves.toBe('cached');
  });
});

describe('circuit breaker: manual control', () => {
  it('isolate is reference counted; reset ends it at once', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock() });
    const first = breaker.isolate();
    const second = breaker.isolate();
    const rejection = await breaker.acquire();
    expect(rejection).toMatchObject({ admitted: false, code: 'ERR_CIRCUIT_OPEN' });
    expect(rejection.admitted === false && rejection.error.reason).toBe('isolated');
    first.dispose();
    expect(breaker.state).toBe('isolated');
    second[Symbol.dispose]();
    expect(breaker.state).toBe('closed');
    breaker.isolate();
    breaker.reset();
    expect(breaker.state).toBe('closed');
  });

  it('disabled admits everything and records nothing; metrics-only records but never rejects', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), trip: { consecutiveFailures: 1 } });
    const disabled = breaker.disable();
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    expect(breaker.snapshot()).toMatchObject({ state: 'disabled', failures: 0 });
    disabled.dispose();
    const metricsOnly = breaker.metricsOnly();
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    expect(breaker.snapshot()).toMatchObject({ state: 'metrics-only', consecutiveFailures: 2, failures: 2 });
    await expect(breaker.execute(() => 'still runs')).resolves.toBe('still runs');
    metricsOnly.dispose();
    expect(breaker.state).toBe('closed');
  });

  it('state survives a JSON round trip through toJSON and initialState', async () => {
    const clock = new ManualClock(0);
    const trip = { consecutiveFailures: 3, failureRate: { threshold: 0.6, minimumCalls: 2, window: { type: 'count', size: 10 } } } as const;
    const breaker = circuitBreaker({ name: 'db', clock, trip });
    await breaker.execute(() => 1);
    await settle(breaker.execute(fail));
    const saved = JSON.parse(JSON.stringify(breaker.toJSON()));
    const copy = circuitBreaker({ name: 'db', clock, trip, initialState: saved });
    expect(copy.snapshot()).toMatchObject({ calls: 2, failures: 1, consecutiveFailures: 1, state: 'closed' });
    await settle(copy.execute(fail));
    expect(copy.state).toBe('open');
    const reopened = circuitBreaker({ name: 'db', clock, trip, initialState: copy.toJSON() });
    expect(reopened.state).toBe('open');
  });

  it('keeps "no failure yet" as null for lastFailureAt through snapshots and a JSON round trip', async () => {
    const clock = new ManualClock(1_000);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 3 } });
    await breaker.execute(() => 1);
    expect(breaker.snapshot().lastFailureAt).toBeNull();
    const saved = JSON.parse(JSON.stringify(breaker.toJSON()));
    expect(saved.lastFailureAt).toBeNull();
    const copy = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 3 }, initialState: saved });
    expect(copy.snapshot().lastFailureAt).toBeNull();
    clock.advance(250);
    await settle(copy.execute(fail));
    expect(copy.snapshot().lastFailureAt).toBe(1_250);
    expect(copy.toJSON().lastFailureAt).toBe(1_250);
  });
});

describe('circuit breaker: events and resources', () => {
  it('reports state changes with from, to and reason', async () => {
    const clock = new ManualClock(5);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 2 }, recoveryTimeout: 10 });
    const changes: unknown[] = [];
    breaker.onStateChange((change) => changes.push(change));
    const failures = vi.fn();
    breaker.onFailure(failures);
    await settle(breaker.execute(fail));
    await settle(breaker.execute(fail));
    clock.advance(10);
    await breaker.execute(() => 1);
    expect(changes).toEqual([
      { breaker: 'db', from: 'closed', to: 'open', reason: '2 consecutive failures (threshold 2)', at: 5 },
      { breaker: 'db', from: 'open', to: 'half-open', reason: 'recovery timeout elapsed', at: 15 },
      { breaker: 'db', from: 'half-open', to: 'closed', reason: '1 probe(s) succeeded', at: 15 },
    ]);
    expect(failures).toHaveBeenCalledWith({ breaker: 'db', error: boom, durationMs: 0 });
  });

  it('leaves no timer behind after close()', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, timeout: '5s' });
    void settle(breaker.execute(() => new Promise(() => {})));
    void settle(breaker.execute(() => new Promise(() => {})));
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(2);
    breaker.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
