import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type {
  RateLimitRejection} from '../src/index.js';
import {
  isBreakwaterError,
  MemoryStore,
  RateLimitedError,
  RateLimitPermit,
  rateLimit,
  Registry,
  type Decision,
  type LimitSpec,
  type RateLimitAdmission,
  type Store,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

interface Req {
  readonly ip: string;
  readonly user?: string;
  readonly weight?: number;
}
const t0 = Date.UTC(2024, 0, 1);
const byIp = (req: Req): string => req.ip;
const rejected = (admission: RateLimitAdmission): RateLimitRejection => {
  if (admission.admitted) throw new Error('expected a rejection');
  return admission;
};

/** The memory store behind promises, as a remote store answers. */
class AsyncStore implements Store {
  readonly shared = true;
  readonly inner = new MemoryStore();
  consume = async (spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> => this.inner.consume(spec, key, cost, now);
  consumeAll = async (specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<Decision[]> => this.inner.consumeAll(specs, keys, cost, now);
  peek = async (spec: LimitSpec, key: string, now: number): Promise<Decision> => this.inner.peek(spec, key, now);
  reset = async (spec: LimitSpec, key: string): Promise<void> => this.inner.reset(spec, key);
}

describe('rateLimit: one limit', () => {
  it('admits up to the limit, then rejects with the decision and a RateLimitedError', async () => {
    const clock = new ManualClock(t0);
    const limiter = rateLimit<Req>({ name: 'api', clock, limits: [{ name: 'per-ip', key: byIp, capacity: 2, refillRate: 1, refillInterval: '1s' }] });
    expect(await limiter.execute(() => 'a', { input: { ip: '1.1.1.1' } })).toBe('a');
    const permit = limiter.acquire({ ip: '1.1.1.1' });
    expect(permit).toBeInstanceOf(RateLimitPermit);
    expect((permit as RateLimitPermit).decision).toEqual({ allowed: true, limit: 2, remaining: 0, resetAt: t0 + 2000, retryAfterMs: 0, policy: 'api', name: 'per-ip', key: '1.1.1.1' });
    // Named on first read, then the same objects on every read.
    expect((permit as RateLimitPermit).decisions).toEqual([(permit as RateLimitPermit).decision]);
    expect((permit as RateLimitPermit).decisions).toBe((permit as RateLimitPermit).decisions);
    expect((permit as RateLimitPermit).decision).toBe((permit as RateLimitPermit).decision);
    // The store's answer without the names, for header fields: the same figures.
    expect((permit as RateLimitPermit).storeDecision).toEqual({ allowed: true, limit: 2, remaining: 0, resetAt: t0 + 2000, retryAfterMs: 0 });
    const rejection = rejected(limiter.acquire({ ip: '1.1.1.1' }) as RateLimitAdmission);
    expect(rejection).toMatchObject({ code: 'ERR_RATE_LIMITED', reason: 'limited', retryAfterMs: 1000, policy: 'api' });
    expect(rejection.decision).toMatchObject({ allowed: false, name: 'per-ip', key: '1.1.1.1', retryAfterMs: 1000 });
    const error = await limiter.execute(() => 'never', { input: { ip: '1.1.1.1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(isBreakwaterError(error, 'ERR_RATE_LIMITED')).toBe(true);
    expect(error).toMatchObject({ reason: 'limited', retryAfterMs: 1000, policy: 'api', decision: { name: 'per-ip' } });
    expect((error as Error).message).toBe('Rate limit "api" refused the call (limit "per-ip"); retry in 1000 ms');
    expect((error as Error).stack?.split('\n')).toHaveLength(1); // no stack trace: a refusal is control flow
    expect(rejection.error).toBe(rejection.error); // built once, lazily
  });

  it('counts each key on its own; a limit without a key is global', async () => {
    const limiter = rateLimit<Req>({ name: 'api', clock: new ManualClock(t0), limits: [{ key: byIp, capacity: 1, refillRate: 1 }] });
    expect((limiter.acquire({ ip: 'a' }) as RateLimitAdmission).admitted).toBe(true);
    expect((limiter.acquire({ ip: 'b' }) as RateLimitAdmission).admitted).toBe(true);
    expect((limiter.acquire({ ip: 'a' }) as RateLimitAdmission).admitted).toBe(false);
    const global = rateLimit({ name: 'global', clock: new ManualClock(t0), limits: [{ algorithm: 'fixed-window', limit: 2, window: '1m' }] });
    expect([global.acquire('x'), global.acquire('y'), global.acquire('z')].map((a) => (a as RateLimitAdmission).admitted)).toEqual([true, true, false]);
    expect((global.acquire() as RateLimitRejection).decision?.key).toBe('*');
  });

  it('refills with time from the injected clock', async () => {
    const clock = new ManualClock(t0);
    const limiter = rateLimit({ name: 'api', clock, limits: [{ algorithm: 'gcra', limit: 10, period: '1s', burst: 1 }] });
    await limiter.execute(() => 1);
    await expect(limiter.execute(() => 2)).rejects.toMatchObject({ retryAfterMs: 100 });
    clock.advance(100);
    await expect(limiter.execute(() => 3)).resolves.toBe(3);
  });

  it('returns the very promise the function returned: admitting a call adds no promise', async () => {
    const limiter = rateLimit({ name: 'api', clock: new ManualClock(t0), limits: [{ capacity: 5, refillRate: 1 }] });
    const promise = Promise.resolve('value');
    expect(limiter.execute(() => promise)).toBe(promise);
    await expect(limiter.execute(() => 'sync value')).resolves.toBe('sync value');
    await expect(limiter.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      limiter.execute(() => {
        throw new Error('thrown');
      }),
    ).rejects.toThrow('thrown');
  });

  it('passes the caller signal to the function, and does not run or count a call whose signal already aborted', async () => {
    const limiter = rateLimit({ name: 'api', clock: new ManualClock(t0), limits: [{ capacity: 1, refillRate: 1 }] });
    const controller = new AbortController();
    expect(await limiter.execute(({ signal }) => signal, { signal: controller.signal })).toBe(controller.signal);
    const aborted = AbortSignal.abort(new Error('gone'));
    const fn = vi.fn();
    await expect(limiter.execute(fn, { signal: aborted })).rejects.toThrow('gone');
    await expect(limiter.acquire(undefined, { signal: aborted })).rejects.toThrow('gone');
    expect(fn).not.toHaveBeenCalled();
    expect(limiter.snapshot()).toMatchObject({ allowed: 1, limited: 0 });
  });

  it('refuses a bad key or cost loudly instead of counting it somewhere', async () => {
    const limiter = rateLimit<Req>({ name: 'api', clock: new ManualClock(t0), limits: [{ name: 'per-ip', key: byIp, capacity: 5, refillRate: 1 }] });
    await expect(limiter.execute(() => 1, { input: { ip: undefined as unknown as string } })).rejects.toThrow(
      'rateLimit "api": key() of limit "per-ip" returned undefined; expected a string',
    );
    await expect(limiter.execute(() => 1, { input: { ip: 'a' }, cost: 1.5 })).rejects.toThrow(RangeError);
    expect(() => limiter.acquire({ ip: 'a' }, { cost: -1 })).toThrow('rateLimit "api": cost -1; expected an integer >= 0');
  });

  it('permits settle once; settling records nothing', () => {
    const limiter = rateLimit({ name: 'api', clock: new ManualClock(t0), limits: [{ capacity: 5, refillRate: 1 }] });
    const permit = limiter.acquire() as RateLimitPermit;
    expect(permit.settled).toBe(false);
    permit.success();
    permit.failure(new Error('late'));
    permit.release();
    expect(permit.settled).toBe(true);
    expect(limiter.snapshot()).toMatchObject({ allowed: 1 });
  });
});

describe('rateLimit: several limits', () => {
  const build = (clock = new ManualClock(t0)) =>
    rateLimit<Req>({
      name: 'api',
      clock,
      limits: [
        { name: 'per-ip', key: byIp, capacity: 3, refillRate: 1, refillInterval: '1s' },
        { name: 'per-user', key: (req) => req.user ?? 'anonymous', algorithm: 'sliding-window', limit: 5, window: '10s' },
        { name: 'global', algorithm: 'fixed-window', limit: 6, window: '1m' },
      ],
    });

  it('admits only when every limit admits, and reports the most restrictive decision', () => {
    const limiter = build();
    const first = limiter.acquire({ ip: 'a', user: 'u' }) as RateLimitPermit;
    expect(first.decisions.map((d) => [d.name, d.key, d.remaining])).toEqual([['per-ip', 'a', 2], ['per-user', 'u', 4], ['global', '*', 5]]);
    expect(first.decision?.name).toBe('per-ip'); // the fewest remaining
    limiter.acquire({ ip: 'a', user: 'u' });
    limiter.acquire({ ip: 'a', user: 'u' });
    const refused = rejected(limiter.acquire({ ip: 'a', user: 'u' }) as RateLimitAdmission);
    expect(refused.decision).toMatchObject({ name: 'per-ip', allowed: false, retryAfterMs: 1000 });
  });

  it('a refusal by one limit charges none of the others', () => {
    const limiter = build();
    for (let i = 0; i < 3; i++) limiter.acquire({ ip: 'a', user: 'u' });
    for (let i = 0; i < 10; i++) limiter.acquire({ ip: 'a', user: 'u' }); // refused by per-ip
    const other = limiter.acquire({ ip: 'b', user: 'v' }) as RateLimitPermit;
    expect(other.decisions.find((d) => d.name === 'global')?.remaining).toBe(2); // 6 - 3 - this one
  });

  it('among refusals, the longest wait is the most restrictive', () => {
    const limiter = build();
    for (let i = 0; i < 5; i++) limiter.acquire({ ip: `ip-${i}`, user: 'u' });
    limiter.acquire({ ip: 'ip-5', user: 'v' });
    const refused = rejected(limiter.acquire({ ip: 'fresh', user: 'u' }) as RateLimitAdmission);
    // per-user (sliding: 12 s) and global (fixed: the window ends in a minute) both refuse.
    expect(refused.decisions.filter((d) => !d.allowed).map((d) => [d.name, d.retryAfterMs])).toEqual([['per-user', 12_000], ['global', 60_000]]);
    expect(refused.decision?.name).toBe('global');
    expect(refused.retryAfterMs).toBe(60_000);
  });

  it('weighted cost: a number, a function of the input, or per call', async () => {
    const limiter = rateLimit<Req>({ name: 'api', clock: new ManualClock(t0), cost: (req) => req.weight ?? 1, limits: [{ algorithm: 'fixed-window', limit: 10, window: '1m' }] });
    expect((limiter.acquire({ ip: 'a', weight: 4 }) as RateLimitPermit).decision?.remaining).toBe(6);
    expect((limiter.acquire({ ip: 'a' }, { cost: 5 }) as RateLimitPermit).decision?.remaining).toBe(1);
    await expect(limiter.execute(() => 1, { input: { ip: 'a', weight: 2 } })).rejects.toBeInstanceOf(RateLimitedError);
    await expect(limiter.execute(() => 1, { input: { ip: 'a', weight: 2 }, cost: 1 })).resolves.toBe(1);
    const fixed = rateLimit({ name: 'fixed', clock: new ManualClock(t0), cost: 3, limits: [{ algorithm: 'fixed-window', limit: 10, window: '1m' }] });
    expect((fixed.acquire() as RateLimitPermit).decision?.remaining).toBe(7);
  });

  it('works the same with an asynchronous store: acquire returns a promise', async () => {
    const store = new AsyncStore();
    const limiter = rateLimit<Req>({ name: 'api', store, clock: new ManualClock(t0), limits: [{ key: byIp, capacity: 1, refillRate: 1 }, { algorithm: 'fixed-window', limit: 5, window: '1m' }] });
    const admission = limiter.acquire({ ip: 'a' });
    expect(admission).toBeInstanceOf(Promise);
    expect((await admission).admitted).toBe(true);
    await expect(limiter.execute(() => 1, { input: { ip: 'a' } })).rejects.toMatchObject({ reason: 'limited' });
    const single = rateLimit({ name: 'single', store, clock: new ManualClock(t0), limits: [{ capacity: 1, refillRate: 1 }] });
    await expect(single.execute(() => 'ok')).resolves.toBe('ok');
    await expect(single.execute(() => 'no')).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('reset(input) forgets every limit of that input', async () => {
    const limiter = build();
    for (let i = 0; i < 3; i++) limiter.acquire({ ip: 'a', user: 'u' });
    await limiter.reset({ ip: 'a', user: 'u' });
    expect((limiter.acquire({ ip: 'a', user: 'u' }) as RateLimitPermit).decisions.map((d) => d.remaining)).toEqual([2, 4, 5]);
    const several = limiter.acquire({ ip: 'a', user: 'u' }) as RateLimitPermit;
    expect(several.storeDecision).toBe(several.decision);
  });
});

describe('rateLimit: the instant a permit was decided at', () => {
  it('is the clock reading the store decided with, on every path; NaN for an allow-listed input', async () => {
    const clock = new ManualClock(t0);
    const one = rateLimit<Req>({ name: 'one', clock, limits: [{ key: byIp, capacity: 5, refillRate: 1 }] });
    expect((one.acquire({ ip: '1.1.1.1' }) as RateLimitPermit).decidedAt).toBe(t0);
    clock.advance(250);
    const remote = rateLimit<Req>({ name: 'remote', clock, store: new AsyncStore(), limits: [{ key: byIp, capacity: 5, refillRate: 1 }] });
    const pending = remote.acquire({ ip: '1.1.1.1' });
    clock.advance(100); // the store answers later: the instant is still the one it decided with
    expect(((await pending) as RateLimitPermit).decidedAt).toBe(t0 + 250);
    const two = rateLimit<Req>({ name: 'two', clock, limits: [{ key: byIp, capacity: 5, refillRate: 1 }, { capacity: 50, refillRate: 10 }] });
    expect((two.acquire({ ip: '1.1.1.1' }) as RateLimitPermit).decidedAt).toBe(t0 + 350);
    const dark = rateLimit<Req>({ name: 'dark', clock, shadow: true, limits: [{ key: byIp, capacity: 1, refillRate: 1 }] });
    dark.acquire({ ip: '1.1.1.1' });
    const shadowed = dark.acquire({ ip: '1.1.1.1' }) as RateLimitPermit;
    expect(shadowed.shadowed).toBe(true);
    expect(shadowed.decidedAt).toBe(t0 + 350);
    const listed = rateLimit<Req>({ name: 'listed', clock, allow: ['10.0.0.1'], limits: [{ key: byIp, capacity: 1, refillRate: 1 }] });
    expect((listed.acquire({ ip: '10.0.0.1' }) as RateLimitPermit).decidedAt).toBeNaN();
  });
});

describe('rateLimit: allow and deny lists', () => {
  const limits = [{ name: 'per-ip', key: byIp, capacity: 1, refillRate: 1 }] as const;

  it('an allow-listed input is never limited and never counted', () => {
    const limiter = rateLimit<Req>({ name: 'api', clock: new ManualClock(t0), limits, allow: ['10.0.0.1'] });
    for (let i = 0; i < 5; i++) expect((limiter.acquire({ ip: '10.0.0.1' }) as RateLimitPermit).decision).toBeUndefined();
    expect((limiter.acquire({ ip: '10.0.0.2' }) as RateLimitAdmission).admitted).toBe(true);
    expect(limiter.snapshot()).toMatchObject({ allowed: 6, limited: 0, store: { keys: 1 } });
  });

  it('a deny-listed input is always refused (reason denied), and deny wins over allow', async () => {
    const limiter = rateLimit<Req>({ name: 'api', clock: new ManualClock(t0), limits, deny: (req) => req.ip.startsWith('203.'), allow: (req) => req.ip === '203.0.113.7' });
    const refused = rejected(limiter.acquire({ ip: '203.0.113.7' }) as RateLimitAdmission);
    expect(refused).toMatchObject({ reason: 'denied', retryAfterMs: 0, decision: undefined, decisions: [] });
    await expect(limiter.execute(() => 1, { input: { ip: '203.0.113.9' } })).rejects.toMatchObject({ reason: 'denied', message: expect.stringContaining('deny list') });
    expect((limiter.acquire({ ip: '198.51.100.1' }) as RateLimitAdmission).admitted).toBe(true);
    expect(limiter.snapshot()).toMatchObject({ rejected: 2, limited: 0, allowed: 1 });
  });

  it('a list of keys matches any limit key of the input', () => {
    const limiter = rateLimit<Req>({ name: 'api', clock: new ManualClock(t0), limits: [...limits, { name: 'per-user', key: (req) => req.user ?? '-', capacity: 1, refillRate: 1 }], deny: ['banned-user'] });
    expect(rejected(limiter.acquire({ ip: '1.2.3.4', user: 'banned-user' }) as RateLimitAdmission).reason).toBe('denied');
  });
});

describe('rateLimit: shadow mode', () => {
  it('decides, counts and emits, but never refuses', async () => {
    const limiter = rateLimit({ name: 'dark', clock: new ManualClock(t0), shadow: true, limits: [{ capacity: 1, refillRate: 1 }] });
    const events: unknown[] = [];
    limiter.onLimit((event) => events.push(event));
    const rejections = vi.fn();
    limiter.onReject(rejections);
    await limiter.execute(() => 1);
    expect(await limiter.execute(() => 2)).toBe(2);
    const permit = limiter.acquire() as RateLimitPermit;
    expect(permit).toMatchObject({ admitted: true, shadowed: true, decision: { allowed: false, retryAfterMs: 1000 } });
    expect(events).toEqual([
      { policy: 'dark', shadow: true, decision: expect.objectContaining({ allowed: false }) },
      { policy: 'dark', shadow: true, decision: expect.objectContaining({ allowed: false }) },
    ]);
    expect(rejections).not.toHaveBeenCalled();
    expect(limiter.snapshot()).toMatchObject({ allowed: 3, limited: 2, shadowed: 2, rejected: 0 });
  });
});

describe('rateLimit: events, snapshot, registry', () => {
  it('emits limit and reject events with the named decision; listener errors never reach callers', async () => {
    const limiter = rateLimit({ name: 'api', clock: new ManualClock(t0), limits: [{ name: 'burst', capacity: 1, refillRate: 1 }] });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const limited = vi.fn();
    const subscription = limiter.onLimit(limited);
    limiter.onReject(() => {
      throw new Error('listener bug');
    });
    await limiter.execute(() => 1);
    await expect(limiter.execute(() => 2)).rejects.toBeInstanceOf(RateLimitedError);
    expect(limited).toHaveBeenCalledWith({ policy: 'api', shadow: false, decision: expect.objectContaining({ name: 'burst', allowed: false }) });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('rateLimit.onReject'), expect.anything());
    subscription.dispose();
    await expect(limiter.execute(() => 3)).rejects.toBeInstanceOf(RateLimitedError);
    expect(limited).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('snapshots figures, including the store keys and evictions', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    const limiter = rateLimit<string>({ name: 'api', store, clock: new ManualClock(t0), limits: [{ key: (ip) => ip, capacity: 1, refillRate: 1, refillInterval: '1h' }] });
    for (const ip of ['a', 'a', 'b', 'c']) limiter.acquire(ip);
    expect(limiter.snapshot()).toEqual({
      kind: 'rate-limit',
      name: 'api',
      health: 'healthy',
      allowed: 3,
      limited: 1,
      rejected: 1,
      delayed: 0,
      shadowed: 0,
      queued: 0,
      store: { keys: 2, maxKeys: 2, evictions: 1 },
    });
  });

  it('is an observable policy: a registry reports it; close forgets the counts of a store it made', () => {
    const registry = new Registry();
    const limiter = registry.register(rateLimit({ name: 'api', clock: new ManualClock(t0), limits: [{ capacity: 1, refillRate: 1 }] }));
    limiter.acquire();
    expect(registry.snapshot().policies).toEqual([expect.objectContaining({ kind: 'rate-limit', name: 'api', allowed: 1 })]);
    expect(registry.health()).toMatchObject({ status: 'healthy', total: 1 });
    registry.close();
    expect(limiter.snapshot().store).toMatchObject({ keys: 0 });
  });

  it('leaves a store it was given alone on close', () => {
    const store = new MemoryStore();
    const limiter = rateLimit({ name: 'api', store, clock: new ManualClock(t0), limits: [{ capacity: 1, refillRate: 1 }] });
    limiter.acquire();
    limiter.close();
    expect(store.stats().keys).toBe(1);
  });
});

describe('rateLimit: admit (no permit, no decision, for callers that need neither)', () => {
  const limits = [{ name: 'per-ip', key: byIp, capacity: 2, refillRate: 1, refillInterval: '1s' as const }];

  it('admits a known key in place (undefined), and answers as acquire otherwise', () => {
    const clock = new ManualClock(t0);
    const limiter = rateLimit<Req>({ name: 'api', clock, limits });
    // A key the store does not hold yet goes through acquire: a permit.
    expect(limiter.admit({ ip: '1.1.1.1' })).toBeInstanceOf(RateLimitPermit);
    expect(limiter.admit({ ip: '1.1.1.1' })).toBeUndefined();
    const refusal = limiter.admit({ ip: '1.1.1.1' }) as RateLimitAdmission;
    expect(rejected(refusal)).toMatchObject({ code: 'ERR_RATE_LIMITED', retryAfterMs: 1000 });
    expect(limiter.snapshot()).toMatchObject({ allowed: 2, limited: 1 });
    clock.advance(1000);
    expect(limiter.admit({ ip: '1.1.1.1' })).toBeUndefined();
    expect(rejected(limiter.acquire({ ip: '1.1.1.1' }) as RateLimitAdmission).retryAfterMs).toBe(1000);
  });

  it('admits and refuses exactly as acquire does, call for call (random traffic)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 1500 })), { maxLength: 60 }), (calls) => {
        const clockA = new ManualClock(t0);
        const clockB = new ManualClock(t0);
        const viaAdmit = rateLimit<Req>({ name: 'a', clock: clockA, limits });
        const viaAcquire = rateLimit<Req>({ name: 'b', clock: clockB, limits });
        for (const [ip, waitMs] of calls) {
          clockA.advance(waitMs);
          clockB.advance(waitMs);
          const quiet = viaAdmit.admit({ ip }) as RateLimitAdmission | undefined;
          const full = viaAcquire.acquire({ ip }) as RateLimitAdmission;
          expect(quiet === undefined || quiet.admitted).toBe(full.admitted);
        }
        const { allowed, limited } = viaAcquire.snapshot();
        expect(viaAdmit.snapshot()).toMatchObject({ allowed, limited });
      }),
    );
  });

  it('with a store other than the memory store, or several limits, is acquire', async () => {
    const store = new AsyncStore();
    const remote = rateLimit<Req>({ name: 'remote', store, clock: new ManualClock(t0), limits });
    expect(await remote.admit({ ip: 'x' })).toBeInstanceOf(RateLimitPermit);
    expect(await remote.admit({ ip: 'x' })).toBeInstanceOf(RateLimitPermit);
    const two = rateLimit<Req>({ name: 'two', clock: new ManualClock(t0), limits: [...limits, { name: 'all', capacity: 10, refillRate: 1 }] });
    two.acquire({ ip: 'y' });
    expect((two.admit({ ip: 'y' }) as RateLimitAdmission).admitted).toBe(true);
  });
});
