import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bulkhead,
  circuitBreaker,
  ConfigError,
  Dashboard,
  type DashboardFrame,
  dashboardPage,
  dashboardPageHeaders,
  type Decision,
  type LimitSpec,
  MemoryStore,
  quota,
  rateLimit,
  Registry,
  type Store,
  StoreUnavailableError,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

const t0 = Date.UTC(2024, 0, 1, 12);

/** A memory store that can be switched off, failing like an unreachable Redis. */
class SwitchableStore implements Store {
  readonly shared = true;
  readonly inner = new MemoryStore();
  down = false;
  consume(spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> {
    return this.down ? Promise.reject(new StoreUnavailableError('redis did not answer within 100 ms')) : Promise.resolve(this.inner.consume(spec, key, cost, now));
  }
  consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<readonly Decision[]> {
    return this.down ? Promise.reject(new StoreUnavailableError('down')) : Promise.resolve(this.inner.consumeAll(specs, keys, cost, now));
  }
  peek(spec: LimitSpec, key: string, now: number): Promise<Decision> {
    return Promise.resolve(this.inner.peek(spec, key, now));
  }
  reset(spec: LimitSpec, key: string): void {
    this.inner.reset(spec, key);
  }
}

/** Collects the frames a stream sends; `next()` advances the clock one interval and waits for the frame. */
function stream(board: Dashboard, clock: ManualClock) {
  const chunks: string[] = [];
  const stop = board.connect((chunk) => void chunks.push(chunk));
  const frames = () => chunks.filter((c) => c.startsWith('event: frame')).map((c) => JSON.parse(c.slice(c.indexOf('data: ') + 6)) as DashboardFrame);
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    chunks,
    stop,
    frames,
    async first(): Promise<DashboardFrame> {
      await settle();
      return frames().at(-1)!;
    },
    async next(): Promise<DashboardFrame> {
      const count = frames().length;
      await clock.advanceAsync(board.options.interval);
      await settle();
      expect(frames().length).toBe(count + 1);
      return frames().at(-1)!;
    },
  };
}

describe('dashboard options', () => {
  it('applies defaults and rejects bad options with ConfigError naming the path', () => {
    const board = new Dashboard({ registry: new Registry() });
    expect(board.options).toMatchObject({ path: '/dashboard', interval: 1000, timelineSize: 50, storeFailureWindow: 5000 });
    expect(() => new Dashboard({ registry: new Registry(), path: 'ops' })).toThrow(ConfigError);
    expect(() => new Dashboard({ registry: new Registry(), path: 'ops' })).toThrow(/dashboard\.path/);
    expect(() => new Dashboard({ registry: new Registry(), interval: 0 })).toThrow(/dashboard\.interval/);
    expect(() => new Dashboard({ registry: {} as Registry })).toThrow(/dashboard\.registry/);
  });

  it('routes the page and its event stream, and nothing else', () => {
    const board = new Dashboard({ registry: new Registry(), path: '/ops/board/' });
    expect(board.route('GET', '/ops/board')).toBe('page');
    expect(board.route('GET', '/ops/board/')).toBe('page');
    expect(board.route('HEAD', '/ops/board')).toBe('page');
    expect(board.route('GET', '/ops/board/events')).toBe('events');
    expect(board.route('POST', '/ops/board')).toBeUndefined();
    expect(board.route('HEAD', '/ops/board/events')).toBeUndefined();
    expect(board.route('GET', '/ops/boards')).toBeUndefined();
    expect(board.route('GET', '/ops/board/events/x')).toBeUndefined();
    expect(new Dashboard({ registry: new Registry(), path: '/' }).route('GET', '/events')).toBe('events');
  });
});

describe('dashboard page', () => {
  it('is one self-contained document whose inline script the CSP allows by hash', () => {
    expect(dashboardPage).toMatch(/^<!doctype html>/);
    expect(dashboardPage).not.toMatch(/\b(src|href)=/);
    expect(dashboardPage).not.toMatch(/@import|url\(/);
    const script = /<script>([\s\S]*)<\/script>/.exec(dashboardPage)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(dashboardPageHeaders['content-security-policy']).toContain(`'sha256-${hash}'`);
    expect(dashboardPageHeaders['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('dashboard stream', () => {
  it('sends a frame at once and one per interval, with per-second rates, and stops on disconnect', async () => {
    const clock = new ManualClock(t0);
    const registry = new Registry();
    const api = registry.register(rateLimit({ name: 'api', clock, limits: [{ capacity: 3, refillRate: 1, refillInterval: '1h' }] }));
    const pool = registry.register(bulkhead({ name: 'pool', clock, maxConcurrent: 2, maxQueue: 1 }));
    const board = new Dashboard({ registry, clock });
    const s = stream(board, clock);
    expect(s.chunks[0]).toMatch(/^retry: 2000\n/);
    const first = await s.first();
    expect(first).toMatchObject({ at: t0, intervalMs: 1000, health: 'healthy' });
    expect(first.rateLimits[0]).toMatchObject({ name: 'api', allowed: 0, allowedPerSecond: 0 });

    for (let i = 0; i < 5; i++) await api.acquire(undefined);
    const held = await pool.acquire();
    const second = await s.next();
    expect(second.rateLimits[0]).toMatchObject({ allowed: 3, limited: 2, allowedPerSecond: 3, limitedPerSecond: 2 });
    expect(second.bulkheads[0]).toMatchObject({ name: 'pool', active: 1, maxConcurrent: 2, queued: 0, rejectedPerSecond: 0 });
    expect(second.stores).toEqual([expect.objectContaining({ name: 'memory', shared: false, status: 'ok', policies: ['api'] })]);
    if (held.admitted) held.release();

    s.stop();
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(5_000);
    expect(s.frames()).toHaveLength(2);
  });

  it('keeps each breaker timeline, changes between two frames included, and counts calls per second', async () => {
    const clock = new ManualClock(t0);
    const registry = new Registry();
    const breaker = registry.register(circuitBreaker({ name: 'upstream', clock, trip: { consecutiveFailures: 2 }, recoveryTimeout: 500 }));
    const board = new Dashboard({ registry, clock, timelineSize: 4 });
    const s = stream(board, clock);
    const first = await s.first();
    expect(first.breakers[0]!.timeline).toEqual([{ at: t0, from: 'closed', to: 'closed', reason: 'state when first seen' }]);

    const fail = () => breaker.execute(() => Promise.reject(new Error('boom'))).catch(() => undefined);
    await breaker.execute(() => Promise.resolve(1));
    await fail();
    await fail();
    await fail(); // rejected: open
    const second = await s.next();
    expect(second.breakers[0]).toMatchObject({ state: 'open', successesPerSecond: 1, failuresPerSecond: 2, rejectedPerSecond: 1, health: 'unhealthy' });
    expect(second.health).toBe('unhealthy');
    expect(second.breakers[0]!.timeline.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>closed', 'closed>open']);

    await breaker.execute(() => Promise.resolve(1)); // the probe, after the recovery timeout passed with the interval
    const third = await s.next();
    expect(third.breakers[0]!.state).toBe('closed');
    expect(third.breakers[0]!.timeline.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>closed', 'closed>open', 'open>half-open', 'half-open>closed']);
    await fail();
    await fail();
    const fourth = await s.next();
    expect(fourth.breakers[0]!.timeline).toHaveLength(4); // bounded by timelineSize, oldest dropped
    expect(fourth.breakers[0]!.timeline.at(-1)).toMatchObject({ from: 'closed', to: 'open' });
    s.stop();
  });

  it('shows a store as failing while its policies report failures, and ok once they stop', async () => {
    const clock = new ManualClock(t0);
    const registry = new Registry();
    const store = new SwitchableStore();
    const api = registry.register(rateLimit({ name: 'api', clock, store, onStoreError: 'local', limits: [{ capacity: 10, refillRate: 1 }] }));
    const board = new Dashboard({ registry, clock, storeFailureWindow: '2s' });
    const s = stream(board, clock);
    expect((await s.first()).stores[0]).toMatchObject({ name: 'SwitchableStore', shared: true, status: 'ok', failures: 0 });
    store.down = true;
    await api.acquire(undefined);
    const failing = (await s.next()).stores[0]!;
    expect(failing).toMatchObject({ status: 'failing', failures: 1, mode: 'local', lastError: 'store unavailable: redis did not answer within 100 ms' });
    store.down = false;
    await s.next();
    const recovered = (await s.next()).stores[0]!;
    expect(recovered).toMatchObject({ status: 'ok', failures: 1 });
    s.stop();
  });

  it('shows quota usage for the keys asked for', async () => {
    const clock = new ManualClock(t0);
    const registry = new Registry();
    const reports = registry.register(quota({ name: 'reports', clock, key: (k: string) => k, limits: { hour: 10, day: 100 } }));
    await reports.acquire('key:alice', { cost: 4 });
    const board = new Dashboard({ registry, clock, quotaKeys: (name) => (name === 'reports' ? ['key:alice', 'key:bob'] : []) });
    const frame = await board.frame();
    const usage = frame.quotas[0]!.usage;
    expect(usage.map((u) => u?.key)).toEqual(['key:alice', 'key:bob']);
    expect(usage[0]!.windows.map((w) => [w.period, w.used, w.limit])).toEqual([
      ['hour', 4, 10],
      ['day', 4, 100],
    ]);
    expect(usage[1]!.windows[0]!.used).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('listens to policy events only while a page is open, and drops unregistered policies', async () => {
    const clock = new ManualClock(t0);
    const registry = new Registry();
    const breaker = registry.register(circuitBreaker({ name: 'b', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: 100 }));
    const board = new Dashboard({ registry, clock });
    const fail = () => breaker.execute(() => Promise.reject(new Error('boom'))).catch(() => undefined);
    const first = stream(board, clock);
    await first.first();
    const second = stream(board, clock);
    await second.first();
    first.stop();
    await fail(); // the second page is still open: recorded
    second.stop();
    breaker.reset(); // no page open: not recorded
    const third = stream(board, clock);
    const frame = await third.first();
    expect(frame.breakers[0]!.timeline.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>closed', 'closed>open']);
    expect(frame.breakers[0]!.state).toBe('closed');

    registry.unregister('circuit-breaker', 'b');
    await third.next();
    await fail(); // no longer watched
    registry.register(breaker);
    const again = await third.next();
    expect(again.breakers[0]!.timeline.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>closed', 'closed>open']);
    third.stop();
  });

  it('stops when writing fails (the client went away)', async () => {
    const clock = new ManualClock(t0);
    const board = new Dashboard({ registry: new Registry(), clock });
    let writes = 0;
    board.connect(() => {
      writes++;
      if (writes > 1) throw new Error('socket closed');
    });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await clock.advanceAsync(3_000);
    expect(writes).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });
});
