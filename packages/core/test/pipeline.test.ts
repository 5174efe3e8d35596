import { describe, expect, it, vi } from 'vitest';
import {
  CircuitOpenError,
  ConfigError,
  TimeoutError,
  bulkhead,
  circuitBreaker,
  fallback,
  pipeline,
  retry,
  timeout,
  type ExecuteOptions,
  type ExecutionContext,
} from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';
import { settle, track } from './simulation-support.js';

const noJitter = { type: 'constant', initialDelay: 100, maxDelay: 100, jitter: 'none' } as const;
const hang = (): Promise<never> => new Promise<never>(() => {});

/** Options of a keyed policy (a rate limit's `input`, say). */
interface KeyedOptions extends ExecuteOptions {
  readonly key: string;
}

/** A policy that records the order it runs in and the options it receives, like a keyed rate limit would. */
class Recorder {
  readonly seen: (ExecuteOptions | undefined)[] = [];
  constructor(
    readonly label: string,
    readonly log: string[],
  ) {}
  async execute<T>(fn: (context: ExecutionContext) => T | PromiseLike<T>, options?: KeyedOptions): Promise<T> {
    this.seen.push(options);
    this.log.push(`${this.label}:enter(${options?.key ?? '-'})`);
    try {
      return await fn({ signal: options?.signal ?? AbortSignal.abort('unused') });
    } finally {
      this.log.push(`${this.label}:exit`);
    }
  }
}

describe('pipeline: composition', () => {
  it('runs policies outermost first and hands every one the caller’s options unchanged', async () => {
    const log: string[] = [];
    const a = new Recorder('a', log);
    const b = new Recorder('b', log);
    const c = new Recorder('c', log);
    const options = { key: 'client-42', signal: new AbortController().signal };
    const result = await pipeline(a, b, c).execute(() => {
      log.push('fn');
      return 'done';
    }, options);
    expect(result).toBe('done');
    expect(log).toEqual(['a:enter(client-42)', 'b:enter(client-42)', 'c:enter(client-42)', 'fn', 'c:exit', 'b:exit', 'a:exit']);
    for (const recorder of [a, b, c]) expect(recorder.seen).toEqual([options]);
    expect(a.seen[0]).toBe(options);
  });

  it('below a timeout, keyed fields are handed on and the signal becomes the timeout’s', async () => {
    const clock = new ManualClock(0);
    const log: string[] = [];
    const keyed = new Recorder('limit', log);
    const caller = new AbortController();
    const call = settle(pipeline(timeout({ duration: 100, clock }), keyed).execute(hang, { key: 'k', signal: caller.signal }));
    await flushMicrotasks();
    const handed = keyed.seen[0]!;
    expect(handed).toMatchObject({ key: 'k' });
    expect(handed.signal).not.toBe(caller.signal);
    expect(handed.signal!.aborted).toBe(false);
    clock.advance(100);
    expect(handed.signal!.aborted).toBe(true);
    expect(handed.signal!.reason).toBeInstanceOf(TimeoutError);
    expect(await call).toBeInstanceOf(TimeoutError);
  });

  it('merges the contexts: a retry’s attempt and the innermost signal reach the function', async () => {
    const clock = new ManualClock(0);
    const seen: { attempt: number; aborted: boolean }[] = [];
    const composed = pipeline(
      retry({ maxAttempts: 3, backoff: noJitter, budget: false, clock }),
      circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 10 } }),
      timeout({ duration: 50, clock }),
    );
    const call = track(
      composed.execute(({ attempt, signal }) => {
        seen.push({ attempt, aborted: signal.aborted });
        if (attempt < 3) throw new Error('flaky');
        return attempt;
      }),
    );
    await clock.advanceAsync(300);
    expect(call).toEqual({ state: 'resolved', value: 3 });
    expect(seen).toEqual([
      { attempt: 1, aborted: false },
      { attempt: 2, aborted: false },
      { attempt: 3, aborted: false },
    ]);
  });

  it('a nested pipeline composes like its policies inline', async () => {
    const log: string[] = [];
    const inner = pipeline(new Recorder('b', log), new Recorder('c', log));
    await pipeline(new Recorder('a', log), inner).execute(() => log.push('fn'), { key: 'x' });
    expect(log).toEqual(['a:enter(x)', 'b:enter(x)', 'c:enter(x)', 'fn', 'c:exit', 'b:exit', 'a:exit']);
  });

  it('rejects what is not a policy, and an empty pipeline', () => {
    expect(() => pipeline()).toThrow(ConfigError);
    let error: unknown;
    try {
      pipeline(timeout({ duration: 1 }), {} as never, null as never);
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['pipeline.policies.1', 'pipeline.policies.2']);
    expect(pipeline(timeout({ duration: 1 })).policies).toHaveLength(1);
  });
});

describe('pipeline: timeouts and signals', () => {
  it('builds no AbortController along the recommended order when the function reads no signal', async () => {
    const clock = new ManualClock(0);
    const composed = pipeline(
      timeout({ name: 'total', duration: 5_000, clock }),
      retry({ maxAttempts: 3, backoff: noJitter, budget: false, clock }),
      circuitBreaker({ name: 'db', clock }),
      bulkhead({ name: 'db', maxConcurrent: 5, clock }),
      timeout({ name: 'attempt', duration: 1_000, clock }),
    );
    const controllers = vi.spyOn(globalThis, 'AbortController');
    let calls = 0;
    const call = composed.execute(({ attempt }) => {
      calls++;
      if (attempt === 1) throw new Error('flaky');
      return 'ok';
    });
    await clock.advanceAsync(100);
    await expect(call).resolves.toBe('ok');
    expect(calls).toBe(2);
    expect(controllers).not.toHaveBeenCalled();
    controllers.mockRestore();
  });

  it('the total timeout aborts the attempt’s signal and ends a retry wait at once', async () => {
    const clock = new ManualClock(0);
    const composed = pipeline(
      timeout({ name: 'total', duration: 250, clock }),
      retry({ maxAttempts: 10, backoff: noJitter, budget: false, clock }),
      timeout({ name: 'attempt', duration: 200, clock }),
    );
    const signals: AbortSignal[] = [];
    const call = track(
      composed.execute(({ signal }) => {
        signals.push(signal);
        return Promise.reject(new Error('down'));
      }),
    );
    await clock.advanceAsync(250); // attempts at 0, 100, 200; the total deadline falls during the third wait
    expect(call.state).toBe('rejected');
    expect(call.value).toBeInstanceOf(TimeoutError);
    expect((call.value as TimeoutError).policy).toBe('total');
    expect(signals).toHaveLength(3);
    expect(clock.pendingTimers).toBeLessThanOrEqual(2); // only lazily re-armed deadline timers remain
    await clock.advanceAsync(1_000);
    expect(signals).toHaveLength(3); // no attempt after the total deadline
  });

  it('an attempt that hangs past the total deadline sees its signal abort with the total timeout', async () => {
    const clock = new ManualClock(0);
    const composed = pipeline(timeout({ name: 'total', duration: 100, clock }), retry({ budget: false, clock }), timeout({ name: 'attempt', duration: 1_000, clock }));
    let signal: AbortSignal | undefined;
    const call = settle(
      composed.execute((context) => {
        signal = context.signal;
        return hang();
      }),
    );
    clock.advance(100);
    const error = await call;
    expect((error as TimeoutError).policy).toBe('total');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it('the caller’s abort reaches the function through every layer', async () => {
    const clock = new ManualClock(0);
    const composed = pipeline(retry({ budget: false, clock }), circuitBreaker({ name: 'db', clock }), timeout({ duration: 1_000, clock }));
    const controller = new AbortController();
    const call = settle(
      composed.execute(
        ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
        { signal: controller.signal },
      ),
    );
    controller.abort('client went away');
    expect(await call).toBe('client went away');
  });
});

describe('pipeline: with a circuit breaker', () => {
  it('a timeout inside the breaker counts as a failure', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 2 } });
    const failures = vi.fn();
    breaker.onFailure(failures);
    const composed = pipeline(breaker, timeout({ duration: 100, clock }));
    for (let i = 0; i < 2; i++) {
      const call = settle(composed.execute(hang));
      clock.advance(100);
      expect(await call).toBeInstanceOf(TimeoutError);
    }
    expect(breaker.state).toBe('open');
    expect(failures).toHaveBeenCalledTimes(2);
    expect(failures.mock.calls[0]![0].error).toBeInstanceOf(TimeoutError);
    expect(await settle(composed.execute(() => 'x'))).toBeInstanceOf(CircuitOpenError);
  });

  it('retry does not hammer an open breaker; a fallback outside answers its rejection', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: '1m' });
    const attempts = vi.fn(() => Promise.reject(new Error('down')));
    const composed = pipeline(fallback({ value: 'cached' }), retry({ maxAttempts: 5, backoff: noJitter, budget: false, clock }), breaker);
    const call = track(composed.execute(attempts));
    await clock.advanceAsync(1_000);
    expect(call).toEqual({ state: 'resolved', value: 'cached' });
    expect(attempts).toHaveBeenCalledTimes(1); // the second attempt met the open breaker, which is not retried
  });

  it('a breaker’s own timeout still follows a total timeout further out', async () => {
    const clock = new ManualClock(0);
    const composed = pipeline(timeout({ name: 'total', duration: 100, clock }), circuitBreaker({ name: 'db', clock, timeout: 1_000 }));
    let signal: AbortSignal | undefined;
    const call = settle(
      composed.execute((context) => {
        signal = context.signal;
        return hang();
      }),
    );
    clock.advance(100);
    expect(((await call) as TimeoutError).policy).toBe('total');
    expect(signal?.aborted).toBe(true);
  });
});
