import { describe, expect, it, vi } from 'vitest';
import { MemoryStore, RateLimitedError, rateLimit, type Decision, type Duration, type LimitSpec, type RateLimitAdmission, type Store } from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';

const t0 = Date.UTC(2024, 0, 1);

/** One call per second per key, waiting up to `maxWait` in a queue of `maxQueue`. */
function build(options: { maxWait?: Duration; maxQueue?: number; capacity?: number } = {}) {
  const clock = new ManualClock(t0);
  const limiter = rateLimit<string>({
    name: 'outbound',
    clock,
    limits: [{ key: (key) => key, capacity: options.capacity ?? 1, refillRate: 1, refillInterval: '1s' }],
    delay: { maxWait: options.maxWait ?? '5s', maxQueue: options.maxQueue ?? 10 },
  });
  return { clock, limiter };
}

async function outcome<T>(promise: Promise<T>): Promise<T | string> {
  return promise.catch((error: unknown) => (error instanceof RateLimitedError ? `rejected:${error.reason}` : `error:${String(error)}`));
}

describe('rateLimit delay mode', () => {
  it('a refused call waits for capacity, then runs', async () => {
    const { clock, limiter } = build();
    await limiter.execute(() => 'first', { input: 'k' });
    const started: number[] = [];
    const second = limiter.execute(() => started.push(clock.now()), { input: 'k' });
    await flushMicrotasks();
    expect(started).toEqual([]);
    expect(limiter.snapshot()).toMatchObject({ queued: 1, delayed: 1 });
    await clock.advanceAsync(999);
    expect(started).toEqual([]);
    await clock.advanceAsync(1);
    await second;
    expect(started).toEqual([t0 + 1000]);
    expect(limiter.snapshot()).toMatchObject({ queued: 0, delayed: 1, allowed: 2, limited: 1, rejected: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('waiters for one key are served first come, first served, one per refill', async () => {
    const { clock, limiter } = build();
    limiter.acquire('k');
    const order: string[] = [];
    const calls = ['a', 'b', 'c'].map((name) => limiter.execute(() => order.push(`${name}@${clock.now() - t0}`), { input: 'k' }));
    await clock.advanceAsync(3_000);
    await Promise.all(calls);
    expect(order).toEqual(['a@1000', 'b@2000', 'c@3000']);
  });

  it('a new call does not overtake the waiters of its key', async () => {
    const { clock, limiter } = build({ capacity: 2 });
    limiter.acquire('k');
    limiter.acquire('k');
    const order: string[] = [];
    const early = limiter.execute(() => order.push('early'), { input: 'k' });
    await clock.advanceAsync(500);
    const late = limiter.execute(() => order.push('late'), { input: 'k' }); // capacity is still 0.5: it queues
    await clock.advanceAsync(2_000);
    await Promise.all([early, late]);
    expect(order).toEqual(['early', 'late']);
  });

  it('a waiting key does not hold up another key', async () => {
    const { limiter } = build();
    limiter.acquire('busy');
    void limiter.execute(() => 'waits', { input: 'busy' });
    await expect(limiter.execute(() => 'free', { input: 'other' })).resolves.toBe('free');
  });

  it('refuses at once a call that would wait longer than maxWait, or whose cost can never fit', async () => {
    const { limiter } = build({ maxWait: 999 });
    limiter.acquire('k');
    await expect(limiter.execute(() => 1, { input: 'k' })).rejects.toMatchObject({ reason: 'limited', retryAfterMs: 1000 });
    await expect(limiter.execute(() => 1, { input: 'fresh', cost: 2 })).rejects.toMatchObject({ reason: 'limited' });
    expect(limiter.snapshot()).toMatchObject({ delayed: 0, queued: 0 });
  });

  it('refuses calls past maxQueue (reason queue-full), counting waiters over every key', async () => {
    const { clock, limiter } = build({ maxQueue: 2 });
    limiter.acquire('a');
    limiter.acquire('b');
    const a = outcome(limiter.execute(() => 'a', { input: 'a' }));
    const b = outcome(limiter.execute(() => 'b', { input: 'b' }));
    expect(limiter.snapshot()).toMatchObject({ queued: 2, health: 'degraded' });
    await expect(limiter.execute(() => 'c', { input: 'a' })).rejects.toMatchObject({ reason: 'queue-full', retryAfterMs: 1000 });
    const rejection = (await limiter.acquire('b')) as RateLimitAdmission;
    expect(rejection).toMatchObject({ admitted: false, reason: 'queue-full' });
    await clock.advanceAsync(1_000);
    expect([await a, await b]).toEqual(['a', 'b']);
    expect(limiter.snapshot()).toMatchObject({ queued: 0, health: 'healthy' });
  });

  it('refuses a waiter whose turn would come after its deadline (reason wait-exceeded)', async () => {
    const { clock, limiter } = build({ maxWait: '2.5s' });
    limiter.acquire('k');
    const calls = ['a', 'b', 'c'].map((name) => outcome(limiter.execute(() => name, { input: 'k' })));
    await clock.advanceAsync(5_000);
    // a at 1 s, b at 2 s; c's turn would be 3 s > 2.5 s after it queued.
    expect(await Promise.all(calls)).toEqual(['a', 'b', 'rejected:wait-exceeded']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('removes an aborted waiter at once; the line moves on', async () => {
    const { clock, limiter } = build();
    limiter.acquire('k');
    const controller = new AbortController();
    const order: string[] = [];
    const first = outcome(limiter.execute(() => order.push('first'), { input: 'k', signal: controller.signal }));
    const second = limiter.execute(() => order.push('second'), { input: 'k' });
    expect(limiter.snapshot().queued).toBe(2);
    controller.abort(new Error('client went away'));
    expect(await first).toBe('error:Error: client went away');
    expect(limiter.snapshot().queued).toBe(1);
    await clock.advanceAsync(1_000);
    await second;
    expect(order).toEqual(['second']);
  });

  it('an aborted waiter that was alone leaves no timer behind', async () => {
    const { clock, limiter } = build();
    limiter.acquire('k');
    const controller = new AbortController();
    const waiting = limiter.acquire('k', { signal: controller.signal });
    expect(clock.pendingTimers).toBe(1);
    controller.abort('stop');
    await expect(waiting).rejects.toBe('stop');
    expect(clock.pendingTimers).toBe(0);
    expect(limiter.snapshot().queued).toBe(0);
  });

  it('acquire waits too, and resolves to a permit', async () => {
    const { clock, limiter } = build();
    limiter.acquire('k');
    const waiting = limiter.acquire('k');
    expect(waiting).toBeInstanceOf(Promise);
    await clock.advanceAsync(1_000);
    expect(await waiting).toMatchObject({ admitted: true, decision: { allowed: true, remaining: 0 } });
  });

  it('emits delay events with the queue depth', async () => {
    const { limiter } = build();
    const delays = vi.fn();
    limiter.onDelay(delays);
    limiter.acquire('k');
    void limiter.acquire('k');
    void limiter.acquire('k');
    expect(delays.mock.calls.map(([event]) => [event.queueDepth, event.decision?.retryAfterMs])).toEqual([
      [1, 1000],
      [2, undefined], // queued behind the first waiter, without asking the store
    ]);
  });

  it('close refuses every waiter (reason closed) and clears the timers', async () => {
    const { clock, limiter } = build();
    limiter.acquire('k');
    const waiting = outcome(limiter.execute(() => 1, { input: 'k' }));
    limiter.close();
    expect(await waiting).toBe('rejected:closed');
    expect(clock.pendingTimers).toBe(0);
  });

  it('shadow mode never delays', async () => {
    const clock = new ManualClock(t0);
    const limiter = rateLimit({ name: 'dark', clock, shadow: true, delay: { maxWait: '10s' }, limits: [{ capacity: 1, refillRate: 1 }] });
    await limiter.execute(() => 1);
    await expect(limiter.execute(() => 2)).resolves.toBe(2);
    expect(limiter.snapshot()).toMatchObject({ delayed: 0, shadowed: 1 });
  });

  it('works with an asynchronous store, and a store error fails the waiter', async () => {
    const inner = new MemoryStore();
    let failing = false;
    const store: Store = {
      shared: true,
      consume: async (spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> => {
        if (failing) throw new Error('store down');
        return inner.consume(spec, key, cost, now);
      },
      consumeAll: async (specs, keys, cost, now) => inner.consumeAll(specs, keys, cost, now),
      peek: async (spec, key, now) => inner.peek(spec, key, now),
      reset: async (spec, key) => inner.reset(spec, key),
    };
    const clock = new ManualClock(t0);
    const limiter = rateLimit({ name: 'async', clock, store, onStoreError: 'failClosed', delay: { maxWait: '5s' }, limits: [{ capacity: 1, refillRate: 1 }] });
    await limiter.execute(() => 1);
    const second = limiter.execute(() => 2);
    await flushMicrotasks();
    await clock.advanceAsync(1_000);
    await expect(second).resolves.toBe(2);
    const third = outcome(limiter.execute(() => 3));
    await flushMicrotasks();
    failing = true;
    await clock.advanceAsync(1_000);
    expect(await third).toBe('error:StoreUnavailableError: "async" store unavailable: store down');
  });
});
