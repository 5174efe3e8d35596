import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type Decision,
  type LimitSpec,
  MemoryStore,
  OutageGuard,
  quota,
  RateLimitedError,
  rateLimit,
  type Store,
  type StoreFailure,
  StoreUnavailableError,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

const t0 = Date.UTC(2024, 0, 1);

/** A memory store behind promises that can be switched off, failing like an unreachable Redis. */
class FlakyStore implements Store {
  readonly shared = true;
  readonly inner = new MemoryStore();
  down = false;
  calls = 0;
  readonly #fail = (): Promise<never> => Promise.reject(new StoreUnavailableError('redis did not answer within 100 ms'));
  consume(spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> {
    this.calls++;
    return this.down ? this.#fail() : Promise.resolve(this.inner.consume(spec, key, cost, now));
  }
  consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<readonly Decision[]> {
    this.calls++;
    return this.down ? this.#fail() : Promise.resolve(this.inner.consumeAll(specs, keys, cost, now));
  }
  peek(spec: LimitSpec, key: string, now: number): Promise<Decision> {
    return this.down ? this.#fail() : Promise.resolve(this.inner.peek(spec, key, now));
  }
  reset(spec: LimitSpec, key: string): Promise<void> {
    return this.down ? this.#fail() : Promise.resolve(this.inner.reset(spec, key));
  }
}

/** A store that throws synchronously (a bug, a client that is not connected). */
const throwing: Store = {
  shared: true,
  consume: () => {
    throw new Error('not connected');
  },
  consumeAll: () => {
    throw new Error('not connected');
  },
  peek: () => {
    throw new Error('not connected');
  },
  reset: () => undefined,
};

function limiter(store: Store, onStoreError?: 'failOpen' | 'failClosed' | 'local') {
  const clock = new ManualClock(t0);
  const policy = rateLimit({ name: 'api', clock, store, ...(onStoreError && { onStoreError }), limits: [{ key: (id: string) => id, capacity: 2, refillRate: 1, refillInterval: '1m' }] });
  const failures: StoreFailure[] = [];
  policy.onStoreFailure((failure) => failures.push(failure));
  return { policy, clock, failures };
}

describe('rateLimit onStoreError', () => {
  it('defaults to failOpen: a store failure admits the call and is reported, never a 429', async () => {
    const store = new FlakyStore();
    const { policy, failures } = limiter(store);
    expect(policy.options.onStoreError).toBe('failOpen');
    store.down = true;
    for (let i = 0; i < 5; i++) expect((await policy.acquire('a')).admitted).toBe(true);
    await expect(policy.execute(() => 'ran', { input: 'a' })).resolves.toBe('ran');
    expect(failures).toHaveLength(6);
    expect(failures[0]).toMatchObject({ policy: 'api', mode: 'failOpen' });
    expect(failures[0]!.error).toBeInstanceOf(StoreUnavailableError);
  });

  it('failOpen admits with a full limit and nothing to wait for', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { policy } = limiter(store, 'failOpen');
    const admission = await policy.acquire('a');
    expect(admission.admitted).toBe(true);
    expect(admission.decision).toMatchObject({ allowed: true, limit: 2, remaining: 2, retryAfterMs: 0 });
  });

  it('failClosed rejects with StoreUnavailableError (ERR_STORE_UNAVAILABLE), not RateLimitedError, and does not run fn', async () => {
    const store = new FlakyStore();
    const { policy, failures } = limiter(store, 'failClosed');
    store.down = true;
    let ran = false;
    const error = await policy.execute(() => (ran = true), { input: 'a' }).catch((caught: unknown) => caught);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).not.toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', policy: 'api', reason: 'redis did not answer within 100 ms' });
    expect((error as Error).message).toBe('"api" store unavailable: redis did not answer within 100 ms');
    await expect(policy.acquire('a')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(failures.map((failure) => failure.mode)).toEqual(['failClosed', 'failClosed']);
    expect(policy.snapshot().limited).toBe(0);
  });

  it('local decides on an in-memory insurance store while the store is down, then goes back to the store', async () => {
    const store = new FlakyStore();
    const { policy, failures } = limiter(store, 'local');
    store.down = true;
    expect((await policy.acquire('a')).admitted).toBe(true);
    expect((await policy.acquire('a')).admitted).toBe(true);
    const third = await policy.acquire('a');
    expect(third.admitted).toBe(false); // the insurance store's own limit: a real decision, made locally
    expect((await policy.acquire('b')).admitted).toBe(true);
    expect(failures.every((failure) => failure.mode === 'local')).toBe(true);
    store.down = false;
    // Back on the store, which never saw those calls.
    expect((await policy.acquire('a')).admitted).toBe(true);
    expect(store.inner.stats().keys).toBe(1);
  });

  it('handles a store that throws synchronously, in every mode', async () => {
    expect((await limiter(throwing, 'failOpen').policy.acquire('a')).admitted).toBe(true);
    await expect(limiter(throwing, 'failClosed').policy.acquire('a')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', reason: 'not connected' });
    expect((await limiter(throwing, 'local').policy.acquire('a')).admitted).toBe(true);
  });

  it('guards consumeAll (several limits) the same way', async () => {
    const store = new FlakyStore();
    store.down = true;
    const clock = new ManualClock(t0);
    const failures: StoreFailure[] = [];
    const policy = rateLimit({
      name: 'two',
      clock,
      store,
      onStoreError: 'local',
      limits: [
        { name: 'per-client', key: (id: string) => id, capacity: 5, refillRate: 1 },
        { name: 'global', algorithm: 'fixed-window', limit: 3, window: '1m' },
      ],
    });
    policy.onStoreFailure((failure) => failures.push(failure));
    const admitted = [];
    for (const id of ['a', 'b', 'c', 'd']) admitted.push((await policy.acquire(id)).admitted);
    expect(admitted).toEqual([true, true, true, false]);
    expect(failures).toHaveLength(4);
  });

  it('keeps a MemoryStore unwrapped (it cannot fail) and its synchronous answers', () => {
    const { policy } = limiter(new MemoryStore(), 'failClosed');
    expect(policy.acquire('a')).not.toBeInstanceOf(Promise);
  });

  it('rejects an unknown mode with a ConfigError naming the option and the value', () => {
    expect(() => rateLimit({ name: 'x', onStoreError: 'ignore' as never, limits: [{ capacity: 1, refillRate: 1 }] })).toThrow(ConfigError);
    expect(() => rateLimit({ name: 'x', onStoreError: 'ignore' as never, limits: [{ capacity: 1, refillRate: 1 }] })).toThrow(/onStoreError.*"ignore"/);
  });

  it('a listener that throws does not change the outcome', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { policy } = limiter(store, 'failOpen');
    policy.onStoreFailure(() => {
      throw new Error('listener bug');
    });
    expect((await policy.acquire('a')).admitted).toBe(true);
  });
});

describe('quota onStoreError', () => {
  const make = (store: Store, onStoreError?: 'failOpen' | 'failClosed' | 'local') => {
    const q = quota({ name: 'q', clock: new ManualClock(t0), store, key: (id: string) => id, limits: { hour: 2, day: 10 }, ...(onStoreError && { onStoreError }) });
    const failures: StoreFailure[] = [];
    q.onStoreFailure((failure) => failures.push(failure));
    return { q, failures };
  };

  it('failOpen (the default) admits and reports', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { q, failures } = make(store);
    expect(q.options.onStoreError).toBe('failOpen');
    for (let i = 0; i < 4; i++) expect((await q.acquire('a')).admitted).toBe(true);
    expect(failures).toHaveLength(4);
    expect(failures[0]).toMatchObject({ policy: 'q', mode: 'failOpen' });
  });

  it('failClosed rejects with ERR_STORE_UNAVAILABLE, not ERR_QUOTA_EXCEEDED', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { q } = make(store, 'failClosed');
    await expect(q.execute(() => 1, { input: 'a' })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', policy: 'q' });
  });

  it('local counts in memory while the store is down', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { q } = make(store, 'local');
    const admitted = [];
    for (let i = 0; i < 3; i++) admitted.push((await q.acquire('a')).admitted);
    expect(admitted).toEqual([true, true, false]);
  });
});

describe('OutageGuard', () => {
  it('passes answers through, reports nothing while the store works, and forwards stats, reset and close', async () => {
    const store = new FlakyStore();
    const failures: StoreFailure[] = [];
    const guard = new OutageGuard(store, 'failClosed', 'p', (failure) => failures.push(failure));
    const spec = { id: 'p:l', algorithm: 'fixed-window', limit: 1, windowMs: 1000 } as const;
    expect(guard.shared).toBe(true);
    expect(await guard.consume(spec, 'k', 1, t0)).toMatchObject({ allowed: true });
    expect(await guard.peek(spec, 'k', t0)).toMatchObject({ allowed: false });
    await guard.reset(spec, 'k');
    expect(await guard.consume(spec, 'k', 1, t0)).toMatchObject({ allowed: true });
    expect(guard.stats).toBeUndefined();
    expect(new OutageGuard(new MemoryStore(), 'failOpen', 'p', () => undefined).stats?.()).toMatchObject({ keys: 0 });
    expect(failures).toEqual([]);
    await guard.close();
  });
});
