import { describe, expect, it, vi } from 'vitest';
import {
  BulkheadFullError,
  ConfigError,
  Registry,
  bulkhead,
  isBreakwaterError,
  sharedBulkhead,
  type BulkheadAdmission,
  type Permit,
} from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';
import { deferred, settle, track } from './simulation-support.js';

/** A bulkhead and a way to finish, one by one, the calls it started. */
function harness(options: { maxConcurrent: number; maxQueue?: number; queueTimeout?: number }) {
  const clock = new ManualClock(0);
  const pool = bulkhead({ name: 'db', clock, ...options });
  const running: { label: number; finish: (value?: unknown) => void; fail: (error: unknown) => void }[] = [];
  const call = (label: number, signal?: AbortSignal) =>
    track(
      pool.execute(() => {
        const work = deferred<unknown>();
        running.push({ label, finish: (value) => work.resolve(value ?? label), fail: work.reject });
        return work.promise;
      }, signal === undefined ? undefined : { signal }),
    );
  return { clock, pool, running, call };
}

describe('bulkhead: 100 simultaneous calls, maxConcurrent 10, maxQueue 5', () => {
  it('runs exactly 10, queues 5 and rejects 85 at once', async () => {
    const { pool, running, call } = harness({ maxConcurrent: 10, maxQueue: 5 });
    const calls = Array.from({ length: 100 }, (_, i) => call(i));
    await flushMicrotasks();
    expect(running).toHaveLength(10);
    expect(calls.filter((c) => c.state === 'pending')).toHaveLength(15);
    const rejected = calls.filter((c) => c.state === 'rejected');
    expect(rejected).toHaveLength(85);
    for (const { value } of rejected) {
      expect(value).toBeInstanceOf(BulkheadFullError);
      expect(isBreakwaterError(value, 'ERR_BULKHEAD_FULL')).toBe(true);
      expect((value as BulkheadFullError).reason).toBe('full');
      expect((value as BulkheadFullError).policy).toBe('db');
      expect((value as BulkheadFullError).retryAfterMs).toBeGreaterThan(0);
    }
    const first = rejected[0]!.value as BulkheadFullError;
    expect(first.name).toBe('BulkheadFullError');
    expect(first.message).toBe('Bulkhead "db" rejected the call (full); retry in 1000 ms');
    expect(first.stack).not.toContain('bulkhead.test'); // built without a stack trace: rejections are control flow
    expect(pool.snapshot()).toMatchObject({ kind: 'bulkhead', name: 'db', active: 10, queued: 5, rejected: 85, maxConcurrent: 10, maxQueue: 5, health: 'degraded' });
    // Queued calls run in arrival order as slots free up.
    running[0]!.finish();
    running[1]!.finish();
    await flushMicrotasks();
    expect(running.map((r) => r.label).slice(10)).toEqual([10, 11]);
    expect(pool.snapshot()).toMatchObject({ active: 10, queued: 3 });
  });

  it('a queue timeout frees each waiter’s place', async () => {
    const { clock, pool, running, call } = harness({ maxConcurrent: 10, maxQueue: 5, queueTimeout: 1_000 });
    const calls = Array.from({ length: 100 }, (_, i) => call(i));
    await flushMicrotasks();
    expect(pool.snapshot()).toMatchObject({ active: 10, queued: 5, rejected: 85 });
    clock.advance(999);
    await flushMicrotasks();
    expect(pool.snapshot().queued).toBe(5);
    clock.advance(1);
    await flushMicrotasks();
    const timedOut = calls.slice(10, 15);
    expect(timedOut.map((c) => c.state)).toEqual(Array(5).fill('rejected'));
    expect(timedOut.map((c) => (c.value as BulkheadFullError).reason)).toEqual(Array(5).fill('queue-timeout'));
    expect(pool.snapshot()).toMatchObject({ active: 10, queued: 0, rejected: 90 });
    // The places are free again: five more calls queue, the sixth is rejected.
    const more = Array.from({ length: 6 }, (_, i) => call(100 + i));
    await flushMicrotasks();
    expect(more.map((c) => c.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'rejected']);
    expect(running).toHaveLength(10);
  });

  it('an aborted waiter leaves the queue at once and frees its place', async () => {
    const { pool, running, call } = harness({ maxConcurrent: 10, maxQueue: 5 });
    const controller = new AbortController();
    for (let i = 0; i < 12; i++) call(i);
    const aborted = call(12, controller.signal);
    for (let i = 13; i < 100; i++) call(i);
    await flushMicrotasks();
    expect(pool.snapshot()).toMatchObject({ active: 10, queued: 5, rejected: 85 });
    const reason = new Error('client went away');
    controller.abort(reason);
    await flushMicrotasks();
    expect(aborted).toEqual({ state: 'rejected', value: reason });
    expect(pool.snapshot()).toMatchObject({ queued: 4, rejected: 85 });
    const newcomer = call(200);
    await flushMicrotasks();
    expect(newcomer.state).toBe('pending');
    expect(pool.snapshot().queued).toBe(5);
    // The aborted call never runs; the others do, in order (call 15 found the queue full).
    for (let i = 0; i < 6; i++) {
      running[i]!.finish();
      await flushMicrotasks();
    }
    expect(running.map((r) => r.label).slice(10)).toEqual([10, 11, 13, 14, 200]);
  });

  it('a queue timeout and an abort each free exactly one place (both in one queue)', async () => {
    const { clock, pool, call } = harness({ maxConcurrent: 1, maxQueue: 2, queueTimeout: 500 });
    call(0);
    const controller = new AbortController();
    const first = call(1, controller.signal);
    clock.advance(100);
    const second = call(2);
    await flushMicrotasks();
    controller.abort('gone');
    await flushMicrotasks();
    expect(first.state).toBe('rejected');
    expect(pool.snapshot().queued).toBe(1);
    clock.advance(500); // the second waiter, queued at 100, times out at 600
    await flushMicrotasks();
    expect((second.value as BulkheadFullError).reason).toBe('queue-timeout');
    expect(pool.snapshot()).toMatchObject({ active: 1, queued: 0, rejected: 1 });
  });
});

describe('bulkhead: execute', () => {
  it('hands the caller’s signal to the function and frees the slot however the call ends', async () => {
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, clock: new ManualClock() });
    const controller = new AbortController();
    await expect(pool.execute(({ signal }) => signal, { signal: controller.signal })).resolves.toBe(controller.signal);
    const boom = new Error('boom');
    await expect(pool.execute(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      pool.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(pool.snapshot()).toMatchObject({ active: 0, queued: 0, rejected: 0, health: 'healthy' });
    await expect(pool.execute(() => 'free again')).resolves.toBe('free again');
  });

  it('rejects at once, without running the function, when the caller’s signal has already aborted', async () => {
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, clock: new ManualClock() });
    const fn = vi.fn();
    await expect(pool.execute(fn, { signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
    expect(fn).not.toHaveBeenCalled();
    expect(pool.snapshot().active).toBe(0);
  });

  it('a waiter whose signal aborts just as it is handed a slot gives the slot back', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, maxQueue: 1, clock });
    const first = deferred<string>();
    const running = pool.execute(() => first.promise);
    const controller = new AbortController();
    const fn = vi.fn();
    const queued = settle(pool.execute(fn, { signal: controller.signal }));
    first.resolve('done'); // the slot is handed over now...
    controller.abort('gone'); // ...and the caller leaves before its continuation runs
    await running;
    expect(await queued).toBe('gone');
    expect(fn).not.toHaveBeenCalled();
    expect(pool.snapshot()).toMatchObject({ active: 0, queued: 0 });
  });

  it('without a queue rejects every call beyond maxConcurrent', async () => {
    const { pool, call } = harness({ maxConcurrent: 2 });
    const calls = [call(0), call(1), call(2)];
    await flushMicrotasks();
    expect(calls.map((c) => c.state)).toEqual(['pending', 'pending', 'rejected']);
    expect(pool.snapshot()).toMatchObject({ active: 2, queued: 0, rejected: 1 });
  });
});

describe('bulkhead: permits', () => {
  it('acquire() answers at once with a permit or a rejection, and with a promise when queued', async () => {
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, maxQueue: 1, clock: new ManualClock() });
    const first = pool.acquire() as BulkheadAdmission;
    expect(first.admitted).toBe(true);
    const queued = pool.acquire();
    expect(queued).toBeInstanceOf(Promise);
    const rejected = pool.acquire() as BulkheadAdmission;
    expect(rejected.admitted).toBe(false);
    if (rejected.admitted) throw new Error('unreachable');
    expect(rejected).toMatchObject({ policy: 'db', code: 'ERR_BULKHEAD_FULL', reason: 'full' });
    expect(rejected.retryAfterMs).toBeGreaterThan(0);
    expect(rejected.error).toBeInstanceOf(BulkheadFullError);
    expect(rejected.error).toBe(rejected.error); // built once
    (first as Permit).success();
    const second = await queued;
    expect(second.admitted).toBe(true);
    expect(pool.snapshot()).toMatchObject({ active: 1, queued: 0 });
  });

  it('a permit frees its slot exactly once, however often it is settled', () => {
    const pool = bulkhead({ name: 'db', maxConcurrent: 2, clock: new ManualClock() });
    const a = pool.acquire() as Permit;
    const b = pool.acquire() as Permit;
    expect(pool.snapshot().active).toBe(2);
    a.failure(new Error('x'));
    a.release();
    a.success();
    expect(a.settled).toBe(true);
    expect(b.settled).toBe(false);
    expect(pool.snapshot().active).toBe(1);
    b.release();
    expect(pool.snapshot().active).toBe(0);
  });

  it('a queued acquire() resolves to a rejection on queue timeout and rejects when its signal aborts', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, maxQueue: 2, queueTimeout: 100, clock });
    pool.acquire();
    const timedOut = pool.acquire() as Promise<BulkheadAdmission>;
    const controller = new AbortController();
    const aborted = settle(pool.acquire({ signal: controller.signal }) as Promise<BulkheadAdmission>);
    controller.abort('gone');
    expect(await aborted).toBe('gone');
    clock.advance(100);
    const admission = await timedOut;
    expect(admission).toMatchObject({ admitted: false, reason: 'queue-timeout' });
    await expect(pool.acquire({ signal: AbortSignal.abort('late') })).rejects.toBe('late');
  });
});

describe('bulkhead: retryAfterMs', () => {
  it('is 1 s before any release has been measured', () => {
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, clock: new ManualClock() });
    pool.acquire();
    expect(pool.acquire()).toMatchObject({ admitted: false, retryAfterMs: 1_000 });
  });

  it('estimates the backlog drained at the rate slots freed while the bulkhead was full', () => {
    const clock = new ManualClock(0);
    const pool = bulkhead({ name: 'db', maxConcurrent: 2, maxQueue: 3, clock });
    const permits = [pool.acquire(), pool.acquire()] as Permit[];
    // Saturated: each release hands a new call the freed slot, one every 100 ms.
    for (let i = 0; i < 8; i++) {
      clock.advance(100);
      permits.shift()!.success();
      permits.push(pool.acquire() as Permit);
    }
    void pool.acquire();
    void pool.acquire();
    void pool.acquire(); // the queue is full: 3 waiting
    expect(pool.snapshot().queued).toBe(3);
    expect(pool.acquire()).toMatchObject({ admitted: false, retryAfterMs: 400 }); // (3 queued + 1) × 100 ms
    expect(pool.snapshot().retryAfterMs).toBe(400);
  });

  it('grows while no slot frees for longer than the measured interval', () => {
    const clock = new ManualClock(0);
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, clock });
    let permit = pool.acquire() as Permit;
    for (let i = 0; i < 3; i++) {
      clock.advance(50);
      permit.success();
      permit = pool.acquire() as Permit;
    }
    expect(pool.acquire()).toMatchObject({ retryAfterMs: 50 });
    clock.advance(400); // nothing released for 400 ms
    expect(pool.acquire()).toMatchObject({ retryAfterMs: 400 });
  });

  it('does not count the time the bulkhead spent with free slots', () => {
    const clock = new ManualClock(0);
    const pool = bulkhead({ name: 'db', maxConcurrent: 2, clock });
    const a = pool.acquire() as Permit;
    const b = pool.acquire() as Permit;
    clock.advance(20);
    a.success(); // full → measured start
    clock.advance(10_000);
    b.success(); // not full: no interval spanning the idle time
    const c = pool.acquire() as Permit;
    const d = pool.acquire() as Permit;
    clock.advance(30);
    c.success(); // full: starts a new interval
    const e = pool.acquire() as Permit;
    clock.advance(30);
    d.success();
    void e;
    pool.acquire();
    expect(pool.acquire()).toMatchObject({ admitted: false, retryAfterMs: 30 });
  });
});

describe('bulkhead: events, snapshot, close', () => {
  it('reports rejections to onReject listeners', async () => {
    const pool = bulkhead({ name: 'db', maxConcurrent: 1, clock: new ManualClock() });
    const onReject = vi.fn();
    pool.onReject(onReject);
    pool.acquire();
    await settle(pool.execute(() => 1));
    expect(onReject).toHaveBeenCalledExactlyOnceWith({ policy: 'db', reason: 'full', retryAfterMs: 1_000, active: 1, queued: 0 });
  });

  it('close() rejects queued calls (reason closed), clears the timer and drops listeners; running calls finish', async () => {
    const { clock, pool, running, call } = harness({ maxConcurrent: 1, maxQueue: 2, queueTimeout: 1_000 });
    const onReject = vi.fn();
    pool.onReject(onReject);
    const calls = [call(0), call(1), call(2)];
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(1);
    pool.close();
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(0);
    expect(calls.slice(1).map((c) => (c.value as BulkheadFullError).reason)).toEqual(['closed', 'closed']);
    expect(onReject).toHaveBeenCalledTimes(2);
    running[0]!.finish('done');
    await flushMicrotasks();
    expect(calls[0]).toEqual({ state: 'resolved', value: 'done' });
    expect(pool.snapshot()).toMatchObject({ active: 0, queued: 0, rejected: 2 });
  });
});

describe('bulkhead: named pools', () => {
  it('routes naming one pool share its capacity; other names are isolated', async () => {
    const registry = new Registry();
    const reports = sharedBulkhead(registry, { name: 'reports-db', maxConcurrent: 1, clock: new ManualClock() });
    const exports = sharedBulkhead(registry, { name: 'reports-db', maxConcurrent: 1 });
    const search = sharedBulkhead(registry, { name: 'search-db', maxConcurrent: 1 });
    expect(exports).toBe(reports);
    expect(search).not.toBe(reports);
    const gate = deferred<void>();
    const running = reports.execute(() => gate.promise);
    await expect(exports.execute(() => 'x')).rejects.toBeInstanceOf(BulkheadFullError);
    await expect(search.execute(() => 'isolated')).resolves.toBe('isolated');
    gate.resolve();
    await running;
    expect(registry.snapshot().policies.map((p) => p.name).sort()).toEqual(['reports-db', 'search-db']);
  });

  it('a pool is configured once: other limits under the same name throw ConfigError', () => {
    const registry = new Registry();
    sharedBulkhead(registry, { name: 'db', maxConcurrent: 10, maxQueue: 5 });
    let error: unknown;
    try {
      sharedBulkhead(registry, { name: 'db', maxConcurrent: 20, maxQueue: 5 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'bulkhead.maxConcurrent', message: 'expected 10, as bulkhead "db" was first declared with', received: 20 },
    ]);
    expect(() => sharedBulkhead(registry, { name: 'db', maxConcurrent: 10, maxQueue: 6 })).toThrow(/bulkhead\.maxQueue/);
  });
});
