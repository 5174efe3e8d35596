import { describe, expect, it, vi } from 'vitest';
import type {
  QuotaRejection} from '../src/index.js';
import {
  isBreakwaterError,
  MemoryStore,
  QuotaExceededError,
  QuotaPermit,
  quota,
  type Decision,
  type LimitSpec,
  type QuotaAdmission,
  type Store,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

interface Req {
  readonly apiKey: string;
  readonly route?: string;
  readonly rows?: number;
}
const at = (isoTime: string): number => Date.parse(isoTime);
const admitted = (admission: QuotaAdmission | Promise<QuotaAdmission>): boolean => (admission as QuotaAdmission).admitted;

describe('quota: several calendar windows', () => {
  it('a call must fit every window; the most restrictive window is reported', () => {
    const clock = new ManualClock(at('2024-06-03T10:15:00Z'));
    const q = quota<Req>({ name: 'api', clock, limits: { hour: 2, day: 3 }, key: (req) => req.apiKey });
    const first = q.acquire({ apiKey: 'k' }) as QuotaPermit;
    expect(first.decisions.map((d) => [d.period, d.remaining, d.resetAt])).toEqual([
      ['hour', 1, at('2024-06-03T11:00:00Z')],
      ['day', 2, at('2024-06-04T00:00:00Z')],
    ]);
    expect(first.decision.period).toBe('hour');
    q.acquire({ apiKey: 'k' });
    const refused = q.acquire({ apiKey: 'k' }) as QuotaRejection;
    expect(refused).toMatchObject({ admitted: false, code: 'ERR_QUOTA_EXCEEDED', retryAfterMs: 45 * 60_000, decision: { period: 'hour', allowed: false } });
    clock.set(at('2024-06-03T11:00:00Z'));
    expect(admitted(q.acquire({ apiKey: 'k' }))).toBe(true); // a new hour, and the day's third call
    const dayRefused = q.acquire({ apiKey: 'k' }) as QuotaRejection;
    expect(dayRefused.decision).toMatchObject({ period: 'day', resetAt: at('2024-06-04T00:00:00Z') });
    expect(dayRefused.decisions.map((d) => [d.period, d.allowed])).toEqual([['hour', true], ['day', false]]);
  });

  it('a refusal by one window charges no other window', async () => {
    const clock = new ManualClock(at('2024-06-03T10:00:00Z'));
    const q = quota({ name: 'api', clock, limits: { hour: 1, month: 10 } });
    q.acquire();
    for (let i = 0; i < 5; i++) q.acquire();
    expect((await q.usage()).windows.map((w) => [w.period, w.used])).toEqual([['hour', 1], ['month', 1]]);
  });

  it('counts per client and per operation, with weighted costs', async () => {
    const clock = new ManualClock(at('2024-06-03T10:00:00Z'));
    const q = quota<Req>({ name: 'exports', clock, limits: { day: 100 }, key: (req) => req.apiKey, operation: (req) => req.route ?? 'other', cost: (req) => req.rows ?? 1 });
    expect((q.acquire({ apiKey: 'a', route: 'reports', rows: 60 }) as QuotaPermit).decision).toMatchObject({ remaining: 40, key: 'reports\u001fa' });
    expect(admitted(q.acquire({ apiKey: 'a', route: 'reports', rows: 41 }))).toBe(false);
    expect(admitted(q.acquire({ apiKey: 'a', route: 'search', rows: 100 }))).toBe(true);
    expect(admitted(q.acquire({ apiKey: 'b', route: 'reports', rows: 100 }))).toBe(true);
    expect(admitted(q.acquire({ apiKey: 'a', route: 'reports' }, { cost: 40 }))).toBe(true);
    expect((await q.usage('a', 'reports')).windows[0]).toMatchObject({ used: 100, remaining: 0 });
    expect((await q.usage('a', 'search')).windows[0]).toMatchObject({ used: 100 });
    expect((await q.usage('c', 'reports')).windows[0]).toMatchObject({ used: 0, remaining: 100 });
  });

  it('a fixed operation name namespaces the count', () => {
    const clock = new ManualClock(at('2024-06-03T10:00:00Z'));
    const store = new MemoryStore();
    const a = quota({ name: 'api', clock, store, limits: { day: 1 }, operation: 'upload' });
    const b = quota({ name: 'api', clock, store, limits: { day: 1 }, operation: 'download' });
    expect([admitted(a.acquire()), admitted(b.acquire()), admitted(a.acquire())]).toEqual([true, true, false]);
  });

  it('usage reports used, remaining and reset time for each window; reset is an operator’s clean slate', async () => {
    const clock = new ManualClock(at('2024-06-03T10:30:00Z'));
    const q = quota<Req>({ name: 'api', clock, limits: { hour: 10, day: 100, week: 500, month: 1000 }, key: (req) => req.apiKey });
    q.acquire({ apiKey: 'k' }, { cost: 4 });
    expect(await q.usage('k')).toEqual({
      policy: 'api',
      key: 'k',
      windows: [
        { period: 'hour', limit: 10, used: 4, remaining: 6, windowStart: at('2024-06-03T10:00:00Z'), resetAt: at('2024-06-03T11:00:00Z') },
        { period: 'day', limit: 100, used: 4, remaining: 96, windowStart: at('2024-06-03T00:00:00Z'), resetAt: at('2024-06-04T00:00:00Z') },
        { period: 'week', limit: 500, used: 4, remaining: 496, windowStart: at('2024-06-03T00:00:00Z'), resetAt: at('2024-06-10T00:00:00Z') },
        { period: 'month', limit: 1000, used: 4, remaining: 996, windowStart: at('2024-06-01T00:00:00Z'), resetAt: at('2024-07-01T00:00:00Z') },
      ],
    });
    await q.reset('k');
    expect((await q.usage('k')).windows.map((w) => w.used)).toEqual([0, 0, 0, 0]);
  });
});

describe('quota: boundaries in a time zone', () => {
  it('a daily quota in America/New_York resets at local midnight across the spring-forward day (23 hours)', () => {
    const clock = new ManualClock(at('2024-03-10T05:00:00Z')); // 00:00 EST, 10 March
    const q = quota({ name: 'daily', clock, timeZone: 'America/New_York', limits: { day: 1 } });
    expect(admitted(q.acquire())).toBe(true);
    clock.set(at('2024-03-11T03:59:59Z')); // 23:59:59 EDT, still 10 March
    expect(q.acquire()).toMatchObject({ admitted: false, retryAfterMs: 1000 });
    clock.set(at('2024-03-11T04:00:00Z')); // 00:00 EDT, 11 March: 23 hours after the window began
    expect(admitted(q.acquire())).toBe(true);
  });

  it('an hourly quota in America/New_York counts the repeated 01:00 hour of the fall-back night twice', () => {
    const clock = new ManualClock(at('2024-11-03T05:10:00Z')); // 01:10 EDT
    const q = quota({ name: 'hourly', clock, timeZone: 'America/New_York', limits: { hour: 1 } });
    expect(admitted(q.acquire())).toBe(true);
    clock.set(at('2024-11-03T05:59:00Z'));
    expect(admitted(q.acquire())).toBe(false);
    clock.set(at('2024-11-03T06:10:00Z')); // 01:10 EST: the clock reads the same hour again; a new window
    expect(admitted(q.acquire())).toBe(true);
  });

  it('a daily quota in Europe/Berlin spans 25 hours on the fall-back day', () => {
    const clock = new ManualClock(at('2024-10-26T22:00:00Z')); // 00:00 CEST, 27 October
    const q = quota({ name: 'daily', clock, timeZone: 'Europe/Berlin', limits: { day: 2 } });
    q.acquire();
    q.acquire();
    clock.set(at('2024-10-27T22:59:59Z')); // 23:59:59 CET: 24h59m59s later, same day
    expect(q.acquire()).toMatchObject({ admitted: false, retryAfterMs: 1000 });
    clock.set(at('2024-10-27T23:00:00Z'));
    expect(admitted(q.acquire())).toBe(true);
  });

  it('a monthly quota in Europe/Berlin resets at local midnight of the 1st, months of any length', async () => {
    const clock = new ManualClock(at('2024-01-15T12:00:00Z'));
    const q = quota({ name: 'monthly', clock, timeZone: 'Europe/Berlin', limits: { month: 1 } });
    expect(admitted(q.acquire())).toBe(true);
    clock.set(at('2024-01-31T22:59:59Z')); // 23:59:59 on 31 January in Berlin
    expect(q.acquire()).toMatchObject({ admitted: false, retryAfterMs: 1000 });
    clock.set(at('2024-01-31T23:00:00Z')); // 00:00 on 1 February in Berlin
    expect(admitted(q.acquire())).toBe(true);
    clock.set(at('2024-02-29T22:59:59Z')); // leap day, 23:59:59
    expect(admitted(q.acquire())).toBe(false);
    clock.set(at('2024-02-29T23:00:00Z'));
    expect(admitted(q.acquire())).toBe(true);
    expect((await q.usage()).windows[0]).toMatchObject({ windowStart: at('2024-02-29T23:00:00Z'), resetAt: at('2024-03-31T22:00:00Z') });
  });

  it('a weekly quota starts on the configured day', () => {
    const clock = new ManualClock(at('2024-06-08T12:00:00Z')); // a Saturday
    const sunday = quota({ name: 'weekly', clock, limits: { week: 1 }, weekStartsOn: 0 });
    const monday = quota({ name: 'weekly-iso', clock, limits: { week: 1 } });
    sunday.acquire();
    monday.acquire();
    clock.set(at('2024-06-09T00:00:00Z')); // Sunday
    expect([admitted(sunday.acquire()), admitted(monday.acquire())]).toEqual([true, false]);
  });
});

describe('quota: errors, events, stores', () => {
  it('execute rejects with QuotaExceededError carrying the exhausted window', async () => {
    const clock = new ManualClock(at('2024-06-03T23:00:00Z'));
    const q = quota({ name: 'api', clock, limits: { day: 1 } });
    await expect(q.execute(() => 'ok')).resolves.toBe('ok');
    const error = await q.execute(() => 'no').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(isBreakwaterError(error, 'ERR_QUOTA_EXCEEDED')).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 3_600_000, resetAt: at('2024-06-04T00:00:00Z'), policy: 'api', decision: { period: 'day', limit: 1 } });
    expect((error as Error).message).toBe('Quota "api": the daily quota of 1 is used up; retry in 3600000 ms');
    expect((q.acquire() as QuotaRejection).error).toBeInstanceOf(QuotaExceededError);
  });

  it('emits reject events and snapshots its figures', () => {
    const clock = new ManualClock(at('2024-06-03T10:00:00Z'));
    const q = quota({ name: 'api', clock, limits: { hour: 1 }, timeZone: 'Europe/Berlin' });
    const rejected = vi.fn();
    q.onReject(rejected);
    q.acquire();
    q.acquire();
    expect(rejected).toHaveBeenCalledWith({ policy: 'api', decision: expect.objectContaining({ period: 'hour', allowed: false }) });
    expect(q.snapshot()).toEqual({ kind: 'quota', name: 'api', health: 'healthy', timeZone: 'Europe/Berlin', periods: ['hour'], allowed: 1, exceeded: 1, store: { keys: 1, maxKeys: 100_000, evictions: 0 } });
    q.close();
    expect(q.snapshot().store).toMatchObject({ keys: 0 });
  });

  it('does not run a call whose signal already aborted, and rejects a bad key', async () => {
    const q = quota<Req>({ name: 'api', clock: new ManualClock(0), limits: { day: 5 }, key: (req) => req.apiKey });
    const fn = vi.fn();
    await expect(q.execute(fn, { signal: AbortSignal.abort('gone'), input: { apiKey: 'k' } })).rejects.toBe('gone');
    expect(fn).not.toHaveBeenCalled();
    await expect(q.execute(() => 1, { input: { apiKey: 42 as unknown as string } })).rejects.toThrow('quota "api": key() returned 42; expected a string');
  });

  it('keeps a monthly count for the whole month (longer than a 24.8-day timer) without timers', () => {
    const clock = new ManualClock(at('2024-01-01T00:00:00Z'));
    const q = quota({ name: 'monthly', clock, limits: { month: 1 } });
    q.acquire();
    clock.advance(30 * 86_400_000);
    expect(q.acquire()).toMatchObject({ admitted: false, retryAfterMs: 86_400_000 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('works with an asynchronous store', async () => {
    const inner = new MemoryStore();
    const store: Store = {
      shared: true,
      consume: async (spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> => inner.consume(spec, key, cost, now),
      consumeAll: async (specs, keys, cost, now) => inner.consumeAll(specs, keys, cost, now),
      peek: async (spec, key, now) => inner.peek(spec, key, now),
      reset: async (spec, key) => inner.reset(spec, key),
    };
    const clock = new ManualClock(at('2024-06-03T10:00:00Z'));
    const q = quota({ name: 'api', clock, store, limits: { hour: 1, day: 5 } });
    expect(await q.acquire()).toBeInstanceOf(QuotaPermit);
    await expect(q.execute(() => 1)).rejects.toBeInstanceOf(QuotaExceededError);
    const single = quota({ name: 'single', clock, store, limits: { day: 1 } });
    await expect(single.execute(() => 'ok')).resolves.toBe('ok');
    expect((await q.usage()).windows.map((w) => w.used)).toEqual([1, 1]);
  });
});
