import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError, isBreakwaterError, timeout, type ExecutionContext } from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';
import { deferred, settle, track } from './simulation-support.js';

const hang = (): Promise<never> => new Promise<never>(() => {});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('timeout: aggressive (the default)', () => {
  it('rejects at the deadline even if the function ignores its signal, and aborts the signal', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ name: 'slow', duration: '2s', clock });
    const onTimeout = vi.fn();
    policy.onTimeout(onTimeout);
    let signal: AbortSignal | undefined;
    const call = track(
      policy.execute((context) => {
        signal = context.signal;
        return hang();
      }),
    );
    clock.advance(1_999);
    await flushMicrotasks();
    expect(call.state).toBe('pending');
    expect(signal?.aborted).toBe(false);
    clock.advance(1);
    await flushMicrotasks();
    expect(call.state).toBe('rejected');
    const error = call.value as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isBreakwaterError(error, 'ERR_TIMEOUT')).toBe(true);
    expect(error.policy).toBe('slow');
    expect(error.timeoutMs).toBe(2_000);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(onTimeout).toHaveBeenCalledExactlyOnceWith({ policy: 'slow', timeoutMs: 2_000 });
    expect(policy.snapshot()).toMatchObject({ kind: 'timeout', name: 'slow', health: 'healthy', inFlight: 0, timedOut: 1, timeoutMs: 2_000 });
  });

  it('resolves with the value when the function finishes first, without building an AbortController', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 1_000, clock });
    const controllers = vi.spyOn(globalThis, 'AbortController');
    await expect(policy.execute(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(policy.execute(() => 'sync')).resolves.toBe('sync');
    expect(controllers).not.toHaveBeenCalled();
    clock.advance(10_000);
    expect(policy.snapshot()).toMatchObject({ inFlight: 0, timedOut: 0 });
  });

  it('passes the function’s own errors through, thrown or rejected', async () => {
    const policy = timeout({ duration: 1_000, clock: new ManualClock() });
    const boom = new Error('boom');
    await expect(
      policy.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(policy.execute(() => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('ignores a settlement that comes after the deadline', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 100, clock });
    const late = deferred<string>();
    const call = settle(policy.execute(() => late.promise));
    clock.advance(100);
    expect(await call).toBeInstanceOf(TimeoutError);
    late.resolve('too late');
    await flushMicrotasks();
    const failing = deferred<string>();
    const second = settle(policy.execute(() => failing.promise));
    clock.advance(100);
    expect(await second).toBeInstanceOf(TimeoutError);
    failing.reject(new Error('late failure')); // handled: no unhandled rejection
    await flushMicrotasks();
  });

  it('a signal first read after the deadline is already aborted', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 50, clock });
    let context: ExecutionContext | undefined;
    const call = settle(
      policy.execute((ctx) => {
        context = ctx;
        return hang();
      }),
    );
    clock.advance(50);
    const error = await call;
    expect(context!.signal.aborted).toBe(true);
    expect(context!.signal.reason).toBe(error);
  });
});

describe('timeout: cooperative', () => {
  it('aborts the signal at the deadline and settles when the function does', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: '1s', strategy: 'cooperative', clock });
    const call = track(
      policy.execute(
        ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      ),
    );
    clock.advance(1_000);
    await flushMicrotasks();
    expect(call.state).toBe('rejected');
    expect(call.value).toBeInstanceOf(TimeoutError);
  });

  it('waits for a function that ignores its signal, and keeps a late value', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 100, strategy: 'cooperative', clock });
    const onTimeout = vi.fn();
    policy.onTimeout(onTimeout);
    const work = deferred<string>();
    const call = track(policy.execute(() => work.promise));
    clock.advance(500);
    await flushMicrotasks();
    expect(call.state).toBe('pending');
    expect(onTimeout).toHaveBeenCalledTimes(1);
    work.resolve('finished anyway');
    await flushMicrotasks();
    expect(call).toEqual({ state: 'resolved', value: 'finished anyway' });
  });

  it('turns an error thrown after the deadline into the TimeoutError', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ name: 'coop', duration: 100, strategy: 'cooperative', clock });
    const work = deferred<string>();
    const call = settle(policy.execute(() => work.promise));
    clock.advance(100);
    work.reject(new DOMException('The operation was aborted', 'AbortError'));
    const error = await call;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).policy).toBe('coop');
  });

  it('passes errors thrown before the deadline unchanged', async () => {
    const policy = timeout({ duration: 100, strategy: 'cooperative', clock: new ManualClock() });
    const boom = new Error('boom');
    await expect(policy.execute(() => Promise.reject(boom))).rejects.toBe(boom);
  });
});

describe('timeout: the caller’s signal', () => {
  it('an already aborted signal rejects with its reason without running the function', async () => {
    const policy = timeout({ duration: 100, clock: new ManualClock() });
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    const fn = vi.fn(() => 1);
    await expect(policy.execute(fn, { signal: controller.signal })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('reaches the function: aborting it aborts the function’s signal with the caller’s reason', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 1_000, strategy: 'cooperative', clock });
    const onTimeout = vi.fn();
    policy.onTimeout(onTimeout);
    const controller = new AbortController();
    const reason = new Error('client went away');
    const call = settle(
      policy.execute(
        ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
        { signal: controller.signal },
      ),
    );
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('a signal read after the caller aborted is aborted with the caller’s reason', async () => {
    const policy = timeout({ duration: 1_000, clock: new ManualClock() });
    const controller = new AbortController();
    const gate = deferred<void>();
    let signal: AbortSignal | undefined;
    const call = policy.execute(
      async (context) => {
        await gate.promise;
        signal = context.signal;
        return 'done';
      },
      { signal: controller.signal },
    );
    controller.abort('bye');
    gate.resolve();
    await expect(call).resolves.toBe('done');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe('bye');
  });

  it('stops listening to the caller’s signal once the call ends', async () => {
    const policy = timeout({ duration: 1_000, clock: new ManualClock() });
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    let signal: AbortSignal | undefined;
    await policy.execute((context) => {
      signal = context.signal;
      return 1;
    }, { signal: controller.signal });
    expect(remove).toHaveBeenCalledTimes(1);
    controller.abort('later');
    expect(signal?.aborted).toBe(false);
  });
});

describe('timeout: one timer for every call in flight', () => {
  it('keeps a single clock timer however many calls run', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 1_000, clock });
    const calls = Array.from({ length: 1_000 }, () => track(policy.execute(hang)));
    expect(clock.pendingTimers).toBe(1);
    expect(policy.snapshot().inFlight).toBe(1_000);
    clock.advance(1_000);
    await flushMicrotasks();
    expect(calls.every((call) => call.state === 'rejected')).toBe(true);
    expect(policy.snapshot()).toMatchObject({ inFlight: 0, timedOut: 1_000 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('times out each call exactly at its own deadline when calls start at different times', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 1_000, clock });
    const timedOutAt = new Map<string, number>();
    const start = (label: string): void => {
      policy.execute(hang).catch(() => timedOutAt.set(label, clock.now()));
    };
    start('a'); // due 1000
    clock.advance(300);
    start('b'); // due 1300
    clock.advance(450);
    start('c'); // due 1750
    await clock.advanceAsync(2_000);
    expect(Object.fromEntries(timedOutAt)).toEqual({ a: 1_000, b: 1_300, c: 1_750 });
  });

  it('re-arms for the next call in flight when the oldest finished early', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 1_000, clock });
    await policy.execute(() => 'quick'); // its deadline (1000) keeps the timer armed
    clock.advance(500);
    const slow = track(policy.execute(hang)); // due 1500
    clock.advance(500); // the timer fires at 1000 and finds nothing due
    await flushMicrotasks();
    expect(slow.state).toBe('pending');
    expect(clock.pendingTimers).toBe(1);
    clock.advance(499);
    await flushMicrotasks();
    expect(slow.state).toBe('pending');
    clock.advance(1);
    await flushMicrotasks();
    expect(slow.state).toBe('rejected');
  });

  it('never times out a call that finished, whatever the order calls finish in', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 100, clock });
    const works = Array.from({ length: 6 }, () => deferred<number>());
    const calls = works.map((work) => track(policy.execute(() => work.promise)));
    for (const index of [3, 0, 5, 1]) works[index]!.resolve(index);
    await flushMicrotasks();
    clock.advance(100);
    await flushMicrotasks();
    expect(calls.map((call) => call.state)).toEqual(['resolved', 'resolved', 'rejected', 'resolved', 'rejected', 'resolved']);
  });

  it('close() clears the timer; calls in flight then never time out', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 100, clock });
    const onTimeout = vi.fn();
    policy.onTimeout(onTimeout);
    const call = track(policy.execute(hang));
    expect(clock.pendingTimers).toBe(1);
    policy.close();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1_000);
    await flushMicrotasks();
    expect(call.state).toBe('pending');
    expect(onTimeout).not.toHaveBeenCalled();
    // Still usable: a new call arms a new timer.
    const next = track(policy.execute(hang));
    clock.advance(100);
    await flushMicrotasks();
    expect(next.state).toBe('rejected');
  });
});

describe('timeout: events observe and never interfere', () => {
  it('a throwing listener does not change the outcome; disposing unsubscribes', async () => {
    const clock = new ManualClock(0);
    const policy = timeout({ duration: 10, clock });
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const subscription = policy.onTimeout(() => {
      throw new Error('listener bug');
    });
    const seen = vi.fn();
    policy.onTimeout(seen);
    const call = settle(policy.execute(hang));
    clock.advance(10);
    expect(await call).toBeInstanceOf(TimeoutError);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(warnings).toHaveBeenCalledTimes(1);
    subscription.dispose();
    const again = settle(policy.execute(hang));
    clock.advance(10);
    await again;
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledTimes(2);
  });
});
