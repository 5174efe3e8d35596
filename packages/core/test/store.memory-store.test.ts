import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { circuitBreaker, ConfigError, MemoryStore, memoryStore, type LimitSpec, type Permit } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';
import { memoryStoreDefaults } from '../src/store/memory-store-options.js';

const bucket: LimitSpec = { id: 'api:per-client', algorithm: 'token-bucket', capacity: 2, refillRate: 1, refillIntervalMs: 1000 };
const window: LimitSpec = { id: 'api:per-minute', algorithm: 'fixed-window', limit: 3, windowMs: 60_000 };
const t0 = Date.UTC(2024, 0, 1);

describe('MemoryStore: bounded by maxKeys', () => {
  it('drops the least recently used key when full, and counts the eviction', () => {
    const store = new MemoryStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) store.consume(bucket, key, 2, t0);
    store.consume(bucket, 'a', 1, t0); // refused, but a use: 'a' is now the most recent
    store.consume(bucket, 'd', 1, t0); // evicts 'b'
    expect(store.stats()).toEqual({ keys: 3, maxKeys: 3, evictions: 1 });
    expect(store.consume(bucket, 'a', 1, t0).allowed).toBe(false); // kept
    expect(store.consume(bucket, 'b', 1, t0)).toMatchObject({ allowed: true, remaining: 1 }); // forgotten
  });

  it('does not count dropping a key whose state had expired as an eviction', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    store.consume(bucket, 'a', 1, t0);
    store.consume(bucket, 'b', 1, t0);
    store.consume(bucket, 'c', 1, t0 + 10_000); // both have refilled: no state is lost
    expect(store.stats().evictions).toBe(0);
    expect(store.stats().keys).toBeLessThanOrEqual(2);
  });

  it('keeps no entry for a key that was never charged', () => {
    const store = new MemoryStore();
    store.peek(bucket, 'peeked', t0);
    store.consume(bucket, 'too-big', 3, t0); // refused: cost above capacity
    store.consume(bucket, 'free', 0, t0);
    expect(store.stats().keys).toBe(0);
  });

  it('lazy expiry: an expired key is read as fresh and its slot reused, with no timer and no sweep', () => {
    const store = new MemoryStore({ maxKeys: 100 });
    for (let i = 0; i < 100; i++) store.consume(bucket, `old-${i}`, 2, t0);
    expect(store.consume(bucket, 'old-0', 2, t0 + 4_500)).toMatchObject({ allowed: true, remaining: 0, resetAt: t0 + 6_500 }); // refilled
    for (let i = 0; i < 100; i++) store.consume(bucket, `new-${i}`, 1, t0 + 5_000);
    // old-1..old-99 had expired: dropping them loses nothing. old-0, charged again at +4.5 s, still held state.
    expect(store.stats()).toEqual({ keys: 100, maxKeys: 100, evictions: 1 });
  });

  // maxKeys 100: a key used within 25 appends of its last move stays where it is (KeyTable).
  const heldAfter = (store: MemoryStore, key: string) => store.peek(bucket, key, t0).remaining === 0;
  const fill = (store: MemoryStore, prefix: string, count: number) => {
    for (let i = 0; i < count; i++) store.consume(bucket, `${prefix}-${i}`, 2, t0);
  };

  it('does not move a key used again soon after it last moved, and keeps the promised bound', () => {
    const store = new MemoryStore({ maxKeys: 100 });
    store.consume(bucket, 'k', 2, t0);
    fill(store, 'early', 20); // 20 appends since 'k' moved: within a quarter of maxKeys
    store.consume(bucket, 'k', 1, t0); // refused, a use, but 'k' stays first in line
    fill(store, 'late', 79); // the table is full now; nothing dropped yet
    expect(heldAfter(store, 'k')).toBe(true);
    store.consume(bucket, 'one-more', 2, t0);
    // Dropped after 80 keys since its last use: at least maxKeys - 1 - 25 = 74, as promised.
    expect(heldAfter(store, 'k')).toBe(false);
    expect(store.stats().evictions).toBe(1);
  });

  it('moves a key used long after it last moved to the most recent end, as exact LRU does', () => {
    const store = new MemoryStore({ maxKeys: 100 });
    store.consume(bucket, 'k', 2, t0);
    fill(store, 'early', 30); // more than a quarter of maxKeys since 'k' moved
    store.consume(bucket, 'k', 1, t0); // refused, a use: 'k' moves behind the 30
    fill(store, 'late', 99); // drops the 30 keys before 'k'
    expect(heldAfter(store, 'k')).toBe(true);
    store.consume(bucket, 'one-more', 2, t0);
    expect(heldAfter(store, 'k')).toBe(false); // the least recently used key now
  });

  it('grows to maxKeys and no further', () => {
    const store = new MemoryStore({ maxKeys: 5_000 });
    for (let i = 0; i < 12_000; i++) store.consume(window, `k${i}`, 1, t0);
    expect(store.stats()).toEqual({ keys: 5_000, maxKeys: 5_000, evictions: 7_000 });
  });

  it('keeps key spaces apart, and starts a key space afresh if its algorithm changes', () => {
    const store = new MemoryStore();
    store.consume(bucket, 'k', 2, t0);
    expect(store.consume(window, 'k', 3, t0).allowed).toBe(true);
    const changed: LimitSpec = { id: bucket.id, algorithm: 'fixed-window', limit: 1, windowMs: 1000 };
    expect(store.consume(changed, 'k', 1, t0)).toMatchObject({ allowed: true, remaining: 0 });
    expect(store.stats().keys).toBe(2);
  });

  it('reset frees the slot; close forgets every key', () => {
    const store = new MemoryStore();
    store.consume(bucket, 'a', 2, t0);
    store.consume(bucket, 'b', 2, t0);
    store.reset(bucket, 'a');
    store.reset(bucket, 'never-seen');
    expect(store.stats().keys).toBe(1);
    store.close();
    expect(store.stats().keys).toBe(0);
    expect(store.consume(bucket, 'b', 2, t0).allowed).toBe(true);
  });

  it('floors fractional times', () => {
    const store = new MemoryStore();
    expect(store.consume(bucket, 'k', 2, t0 + 0.9)).toMatchObject({ resetAt: t0 + 2000 });
  });

  it('tryConsume decides like consume without building a decision', () => {
    const store = new MemoryStore();
    expect([store.tryConsume(bucket, 'k', 1, t0), store.tryConsume(bucket, 'k', 1, t0), store.tryConsume(bucket, 'k', 1, t0)]).toEqual([true, true, false]);
    expect(store.consume(bucket, 'k', 1, t0)).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it('tryAdmit charges a key it holds in place, and otherwise decides and changes nothing', () => {
    const store = new MemoryStore();
    expect(store.tryAdmit(bucket, 'k', 1, t0)).toBe(false); // a new key: consume stores it
    expect(store.stats().keys).toBe(0);
    expect(store.consume(bucket, 'k', 1, t0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(store.tryAdmit(bucket, 'k', 0, t0)).toBe(false); // a zero cost only looks
    expect(store.tryAdmit(bucket, 'k', 1, t0)).toBe(true);
    expect(store.tryAdmit(bucket, 'k', 1, t0)).toBe(false); // empty: the refusal is consume's to explain
    expect(store.consume(bucket, 'k', 1, t0)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 1000, resetAt: t0 + 2000 });
    expect(store.tryAdmit(bucket, 'k', 2, t0 + 2000)).toBe(true); // refilled
    const sliding: LimitSpec = { id: 'api:sliding', algorithm: 'sliding-window', limit: 5, windowMs: 1000 };
    store.consume(sliding, 'k', 1, t0);
    expect(store.tryAdmit(sliding, 'k', 1, t0)).toBe(false); // no admit-only step: always consume
  });

  it('tryAdmit leaves an expired key as it was when it refuses, for a clock that then goes back', () => {
    const store = new MemoryStore();
    store.consume(bucket, 'k', 1, t0); // one token taken: whole again at t0 + 1000
    expect(store.tryAdmit(bucket, 'k', 3, t0 + 1_200)).toBe(false); // more than capacity: refused
    // Back before the expiry, the token taken at t0 is still being refilled.
    expect(store.consume(bucket, 'k', 2, t0 + 500)).toMatchObject({ allowed: false, remaining: 1 });
  });

  it('decides every algorithm the same through tryConsume (admit-only steps) as through consume', () => {
    const specs: LimitSpec[] = [
      bucket,
      window,
      { id: 'api:gcra', algorithm: 'gcra', limit: 3, periodMs: 1000, burst: 4 },
      { id: 'api:sliding', algorithm: 'sliding-window', limit: 4, windowMs: 1000 },
    ];
    const step = fc.record({ spec: fc.constantFrom(...specs), key: fc.constantFrom('a', 'b', 'c'), cost: fc.integer({ min: 0, max: 3 }), dt: fc.integer({ min: -300, max: 1500 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), fc.integer({ min: 2, max: 5 }), (steps, maxKeys) => {
        const fast = new MemoryStore({ maxKeys });
        const full = new MemoryStore({ maxKeys });
        let t = t0;
        for (const { spec, key, cost, dt } of steps) {
          t += dt;
          expect(fast.tryConsume(spec, key, cost, t)).toBe(full.consume(spec, key, cost, t).allowed);
        }
        for (const spec of specs) for (const key of ['a', 'b', 'c']) expect(fast.peek(spec, key, t)).toEqual(full.peek(spec, key, t));
        expect(fast.stats()).toEqual(full.stats());
      }),
      { numRuns: 300 },
    );
  });

  it('validates maxKeys', () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(ConfigError);
    expect(() => memoryStore({ maxKeys: 1.5 })).toThrow(/memoryStore\.maxKeys/);
    expect(() => new MemoryStore({ maxKeys: 10, size: 3 } as never)).toThrow(/unknown option size/);
    expect(new MemoryStore().options.maxKeys).toBe(memoryStoreDefaults.maxKeys);
    expect(memoryStoreDefaults).toEqual({ maxKeys: 100_000 });
  });

  it('also holds breaker state: one store object for every policy', () => {
    const store = new MemoryStore();
    const breaker = circuitBreaker({ name: 'db', store, clock: new ManualClock(), trip: { consecutiveFailures: 1 } });
    (breaker.acquire() as Permit).failure(new Error('down'));
    expect(breaker.state).toBe('open');
  });
});

describe('MemoryStore: a key flood', () => {
  it('1,000,000 distinct keys into maxKeys 100,000: the store stays bounded and a hammering client stays limited', () => {
    const store = new MemoryStore({ maxKeys: 100_000 });
    const perClient: LimitSpec = { id: 'api:per-client', algorithm: 'fixed-window', limit: 100, windowMs: 3_600_000 };
    const now = t0 + 1_000;
    expect(store.consume(perClient, 'heavy', 100, now).allowed).toBe(true);
    expect(store.consume(perClient, 'heavy', 1, now).allowed).toBe(false);
    expect(store.consume(perClient, 'quiet', 100, now).allowed).toBe(true);
    let largest = 0;
    for (let i = 0; i < 1_000_000; i++) {
      store.consume(perClient, `flood-${i}`, 1, now);
      // The heavy client keeps knocking during the flood, as an abusive client does.
      if (i % 50_000 === 0) expect(store.consume(perClient, 'heavy', 1, now).allowed).toBe(false);
      if (i % 10_000 === 0) largest = Math.max(largest, store.stats().keys);
    }
    const stats = store.stats();
    expect(Math.max(largest, stats.keys)).toBeLessThanOrEqual(100_000);
    expect(stats.evictions).toBeGreaterThanOrEqual(900_000);
    expect(store.consume(perClient, 'heavy', 1, now).allowed).toBe(false);
    // The caveat, made visible: a limited key nobody used during the flood was evicted and starts afresh.
    expect(store.consume(perClient, 'quiet', 1, now).allowed).toBe(true);
  });
});
