import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BreakwaterError,
  CircuitOpenError,
  circuitBreaker,
  ConfigError,
  DuplicatePolicyError,
  ErrorCode,
  isBreakwaterError,
  Registry,
  TimeoutError,
  type CircuitBreaker,
  type HealthStatus,
  type ObservablePolicy,
  type Permit,
  type PolicySnapshotBase,
  type Rejection,
  type StateChange,
} from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';

const brand = Symbol.for('breakwater.error');

/** A breaker on a manual clock that trips after one failure. */
function tripOnFirstFailure(name = 'db', clock = new ManualClock(1_000)): CircuitBreaker {
  return circuitBreaker({ name, clock, recoveryTimeout: '10s', trip: { consecutiveFailures: 1 } });
}

function trip<F>(breaker: CircuitBreaker<F>): void {
  const admission = breaker.acquire() as Permit;
  admission.failure(new Error('down'));
}

/** Resolves with the next process warning (emitWarning delivers it on a later tick). */
function nextWarning(): Promise<Error & { code?: string; detail?: string }> {
  return new Promise((resolve) => process.once('warning', resolve));
}

describe('events: subscribe and dispose', () => {
  it('onStateChange receives breaker, from, to, reason and time', () => {
    const clock = new ManualClock(1_000);
    const breaker = tripOnFirstFailure('db', clock);
    const changes: StateChange[] = [];
    breaker.onStateChange((change) => changes.push(change));
    trip(breaker);
    expect(changes).toEqual([{ breaker: 'db', from: 'closed', to: 'open', reason: expect.stringContaining('consecutive failures') as unknown, at: 1_000 }]);
  });

  it('a disposed subscription hears nothing more', () => {
    const breaker = tripOnFirstFailure();
    const listener = vi.fn();
    const subscription = breaker.onStateChange(listener);
    subscription.dispose();
    trip(breaker);
    expect(listener).not.toHaveBeenCalled();
  });

  it('disposing twice is harmless and does not touch other subscriptions', () => {
    const breaker = tripOnFirstFailure();
    const first = vi.fn();
    const second = vi.fn();
    const subscription = breaker.onFailure(first);
    breaker.onFailure(second);
    subscription.dispose();
    expect(() => subscription.dispose()).not.toThrow();
    expect(() => subscription[Symbol.dispose]()).not.toThrow();
    trip(breaker);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('[Symbol.dispose]() unsubscribes like dispose()', () => {
    const breaker = tripOnFirstFailure();
    const listener = vi.fn();
    const subscription = breaker.onFailure(listener);
    expect(typeof subscription[Symbol.dispose]).toBe('function');
    subscription[Symbol.dispose]();
    trip(breaker);
    expect(listener).not.toHaveBeenCalled();
  });

  it('works with a `using` declaration', () => {
    const breaker = tripOnFirstFailure();
    const listener = vi.fn();
    {
      using _subscription = breaker.onReject(listener);
      trip(breaker);
      breaker.acquire();
      expect(listener).toHaveBeenCalledTimes(1);
    }
    breaker.acquire();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a `using` isolation ends at the end of the block', () => {
    const breaker = tripOnFirstFailure();
    {
      using _isolation = breaker.isolate();
      expect(breaker.state).toBe('isolated');
    }
    expect(breaker.state).toBe('closed');
  });

  it('subscribing the same function twice gives two independent subscriptions', () => {
    const breaker = tripOnFirstFailure();
    const listener = vi.fn();
    const first = breaker.onFailure(listener);
    breaker.onFailure(listener);
    first.dispose();
    trip(breaker);
    // The second subscription was never disposed.
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a listener unsubscribing itself during emit does not skip its neighbour', () => {
    const breaker = tripOnFirstFailure();
    const calls: string[] = [];
    const self = breaker.onStateChange(() => {
      calls.push('self');
      self.dispose();
    });
    breaker.onStateChange(() => calls.push('neighbour'));
    trip(breaker);
    expect(calls).toEqual(['self', 'neighbour']);
    breaker.reset();
    expect(calls).toEqual(['self', 'neighbour', 'neighbour']);
  });

  it('a listener unsubscribing its neighbour during emit: the neighbour still hears this event, not the next', () => {
    const breaker = tripOnFirstFailure();
    const calls: string[] = [];
    const neighbour = vi.fn(() => calls.push('neighbour'));
    breaker.onStateChange(() => {
      calls.push('first');
      neighbour$.dispose();
    });
    const neighbour$ = breaker.onStateChange(neighbour);
    trip(breaker);
    breaker.reset();
    expect(calls).toEqual(['first', 'neighbour', 'first']);
  });

  it('a listener subscribed during emit hears the next event, not the current one', () => {
    const breaker = tripOnFirstFailure();
    const late = vi.fn();
    const once = breaker.onStateChange(() => {
      once.dispose();
      breaker.onStateChange(late);
    });
    trip(breaker);
    expect(late).not.toHaveBeenCalled();
    breaker.reset();
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('subscribing something that is not a function throws a TypeError naming the event', () => {
    const breaker = tripOnFirstFailure();
    expect(() => breaker.onStateChange('log' as never)).toThrow(TypeError);
    expect(() => breaker.onStateChange('log' as never)).toThrow(/circuitBreaker\.(onS|s)tateChange/);
  });

  it('close() drops every subscription', () => {
    const breaker = tripOnFirstFailure();
    const listener = vi.fn();
    breaker.onStateChange(listener);
    breaker.onFailure(listener);
    breaker.close();
    trip(breaker);
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('events: listener errors never reach callers', () => {
  afterEach(async () => {
    // Let stray warnings from a test be delivered before the next one listens.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('a throwing onStateChange listener does not change execute()', async () => {
    const breaker = tripOnFirstFailure();
    breaker.onStateChange(() => {
      throw new Error('listener boom');
    });
    const warning = nextWarning();
    const cause = new Error('upstream down');
    await expect(breaker.execute(() => Promise.reject(cause))).rejects.toBe(cause);
    // The transition happened although the listener threw.
    expect(breaker.state).toBe('open');
    const reported = await warning;
    expect(reported.code).toBe('BREAKWATER_LISTENER_ERROR');
    expect(reported.message).toMatch(/circuitBreaker\.(onS|s)tateChange/);
    expect(reported.message).toContain('listener boom');
  });

  it('a throwing onStateChange listener does not change a successful result', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: 0, trip: { consecutiveFailures: 1 } });
    trip(breaker);
    breaker.onStateChange(() => {
      throw new Error('listener boom');
    });
    const warning = nextWarning();
    // This probe moves open -> half-open -> closed: two throwing notifications.
    await expect(breaker.execute(() => 'ok')).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect((await warning).code).toBe('BREAKWATER_LISTENER_ERROR');
  });

  it('a throwing onFailure listener leaves the original rejection', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock() });
    breaker.onFailure(() => {
      throw new Error('listener boom');
    });
    const warning = nextWarning();
    await expect(breaker.execute(() => Promise.reject(new Error('upstream down')))).rejects.toThrow('upstream down');
    const reported = await warning;
    expect(reported.code).toBe('BREAKWATER_LISTENER_ERROR');
    expect(reported.message).toMatch(/circuitBreaker\.(onF|f)ailure/);
    expect(reported.detail).toContain('listener boom');
  });

  it('a throwing onFailure listener leaves the fallback answer', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock(), fallback: () => 'cached' });
    breaker.onFailure(() => {
      throw new Error('listener boom');
    });
    const warning = nextWarning();
    await expect(breaker.execute(() => Promise.reject(new Error('upstream down')))).resolves.toBe('cached');
    expect((await warning).code).toBe('BREAKWATER_LISTENER_ERROR');
  });

  it('a throwing onReject listener leaves the CircuitOpenError', async () => {
    const breaker = tripOnFirstFailure();
    trip(breaker);
    breaker.onReject(() => {
      throw new Error('listener boom');
    });
    const warning = nextWarning();
    await expect(breaker.execute(() => 'never runs')).rejects.toBeInstanceOf(CircuitOpenError);
    const reported = await warning;
    expect(reported.code).toBe('BREAKWATER_LISTENER_ERROR');
    expect(reported.message).toMatch(/circuitBreaker\.(onR|r)eject/);
  });

  it('a throwing onReject listener leaves acquire() returning the rejection', async () => {
    const breaker = tripOnFirstFailure();
    trip(breaker);
    breaker.onReject(() => {
      throw new Error('listener boom');
    });
    const warning = nextWarning();
    const admission = breaker.acquire() as Rejection;
    expect(admission.admitted).toBe(false);
    expect(admission.code).toBe('ERR_CIRCUIT_OPEN');
    expect((await warning).code).toBe('BREAKWATER_LISTENER_ERROR');
  });

  it('a throwing onSuccess listener leaves the result', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock() });
    breaker.onSuccess(() => {
      throw 'not even an Error';
    });
    const warning = nextWarning();
    await expect(breaker.execute(() => 42)).resolves.toBe(42);
    const reported = await warning;
    expect(reported.code).toBe('BREAKWATER_LISTENER_ERROR');
    expect(reported.message).toContain('not even an Error');
  });

  it('a throwing listener does not stop the listeners after it', async () => {
    const breaker = tripOnFirstFailure();
    const after = vi.fn();
    breaker.onStateChange(() => {
      throw new Error('listener boom');
    });
    breaker.onStateChange(after);
    const warning = nextWarning();
    trip(breaker);
    expect(after).toHaveBeenCalledTimes(1);
    await warning;
  });

  it('the warning is delivered asynchronously, after the settling call returns', async () => {
    const breaker = circuitBreaker({ name: 'db', clock: new ManualClock() });
    breaker.onSuccess(() => {
      throw new Error('listener boom');
    });
    const seen = vi.fn();
    process.once('warning', seen);
    try {
      // The listener runs (and throws) synchronously inside success(); the warning is delivered later.
      const permit = breaker.acquire() as Permit;
      expect(() => permit.success()).not.toThrow();
      expect(permit.settled).toBe(true);
      expect(seen).not.toHaveBeenCalled();
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toHaveBeenCalledTimes(1);
    } finally {
      process.removeListener('warning', seen);
    }
  });
});

describe('BreakwaterError brand', () => {
  it('is recognised on errors from a different copy of the class', () => {
    // A second copy of the package has its own class, but Symbol.for gives it the same brand.
    class ForeignBreakwaterError extends Error {
      readonly code = 'ERR_TIMEOUT';
    }
    Object.defineProperty(ForeignBreakwaterError.prototype, brand, { value: true });
    const foreign = new ForeignBreakwaterError('timed out');
    expect(foreign instanceof BreakwaterError).toBe(false);
    expect(isBreakwaterError(foreign)).toBe(true);
    expect(isBreakwaterError(foreign, 'ERR_TIMEOUT')).toBe(true);
    expect(isBreakwaterError(foreign, 'ERR_CIRCUIT_OPEN')).toBe(false);
  });

  it('is recognised through a prototype chain built with Object.create', () => {
    const foreignProto = Object.create(Error.prototype, { [brand]: { value: true } }) as object;
    const error = Object.assign(Object.create(foreignProto) as Error, { message: 'open', code: 'ERR_CIRCUIT_OPEN' });
    expect(isBreakwaterError(error)).toBe(true);
    expect(isBreakwaterError(error, 'ERR_CIRCUIT_OPEN')).toBe(true);
    expect(isBreakwaterError(error, 'ERR_RATE_LIMITED')).toBe(false);
  });

  it('is recognised on an Error whose prototype chain was given the brand', () => {
    const error = new Error('quota') as Error & { code: string };
    error.code = 'ERR_QUOTA_EXCEEDED';
    Object.setPrototypeOf(error, Object.create(Error.prototype, { [brand]: { value: true } }) as object);
    expect(isBreakwaterError(error, 'ERR_QUOTA_EXCEEDED')).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an Error with a Breakwater code but no brand', Object.assign(new Error('x'), { code: 'ERR_CIRCUIT_OPEN' })],
    ['a TypeError', new TypeError('x')],
    ['a brand that is not true', Object.assign(new Error('x'), { [brand]: 'yes', code: 'ERR_TIMEOUT' })],
    ['a brand under a different (non-registered) symbol', Object.assign(new Error('x'), { [Symbol('breakwater.error')]: true })],
    ['a string', 'ERR_CIRCUIT_OPEN'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { code: 'ERR_TIMEOUT' }],
  ])('rejects %s', (_label, value) => {
    expect(isBreakwaterError(value)).toBe(false);
    expect(isBreakwaterError(value, 'ERR_CIRCUIT_OPEN')).toBe(false);
  });

  it('checks the code only when one is given', () => {
    const error = new TimeoutError('db', 100);
    expect(isBreakwaterError(error)).toBe(true);
    expect(isBreakwaterError(error, undefined)).toBe(true);
    expect(isBreakwaterError(error, ErrorCode.Timeout)).toBe(true);
    expect(isBreakwaterError(error, ErrorCode.CircuitOpen)).toBe(false);
  });

  it('narrows unknown values', () => {
    const caught: unknown = new CircuitOpenError('db', 'open', 5);
    if (!isBreakwaterError(caught)) throw new Error('expected a Breakwater error');
    expect(caught.code).toBe('ERR_CIRCUIT_OPEN');
    expect(caught.policy).toBe('db');
  });

  it('is not an own, enumerable property: errors serialise cleanly', () => {
    const error = new TimeoutError('db', 100);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(Object.keys(error)).not.toContain(brand.toString());
    expect(brand in error).toBe(true);
  });

  it('every error class is branded, named after itself and carries its code', () => {
    const errors: [BreakwaterError, string, string][] = [
      [new CircuitOpenError('db', 'open', 1), 'CircuitOpenError', 'ERR_CIRCUIT_OPEN'],
      [new TimeoutError('db', 1), 'TimeoutError', 'ERR_TIMEOUT'],
      [new DuplicatePolicyError('circuit-breaker', 'db'), 'DuplicatePolicyError', 'ERR_DUPLICATE_POLICY'],
      [new ConfigError([]), 'ConfigError', 'ERR_INVALID_CONFIG'],
    ];
    for (const [error, name, code] of errors) {
      expect(error).toBeInstanceOf(BreakwaterError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(isBreakwaterError(error)).toBe(true);
    }
  });

  it('keeps a cause', () => {
    const cause = new Error('root');
    const error = new BreakwaterError('ERR_STORE_UNAVAILABLE', 'store down', { policy: 'db', cause });
    expect(error.cause).toBe(cause);
    expect(error.policy).toBe('db');
    expect('cause' in new BreakwaterError('ERR_STORE_UNAVAILABLE', 'store down')).toBe(false);
  });

  it('TimeoutError carries timeoutMs and names the policy', () => {
    const error = new TimeoutError('payments', 2_000);
    expect(error.timeoutMs).toBe(2_000);
    expect(error.policy).toBe('payments');
    expect(error.message).toBe('"payments" call timed out after 2000 ms');
    expect(new TimeoutError(undefined, 5).message).toBe('call timed out after 5 ms');
  });
});

describe('CircuitOpenError', () => {
  it('execute() rejects an open breaker with retryAfterMs, reason, policy and code', async () => {
    const clock = new ManualClock(1_000);
    const breaker = tripOnFirstFailure('payments', clock);
    trip(breaker);
    clock.advance(4_000);
    const error = await breaker.execute(() => 'never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(isBreakwaterError(error, 'ERR_CIRCUIT_OPEN')).toBe(true);
    const open = error as CircuitOpenError;
    expect(open.retryAfterMs).toBe(6_000);
    expect(open.reason).toBe('open');
    expect(open.policy).toBe('payments');
    expect(open.code).toBe('ERR_CIRCUIT_OPEN');
    expect(open.name).toBe('CircuitOpenError');
    expect(open.message).toBe('Circuit breaker "payments" is open; retry in 6000 ms');
  });

  it('reason is "isolated" while an operator isolates the breaker', async () => {
    const breaker = tripOnFirstFailure();
    const isolation = breaker.isolate();
    const error = (await breaker.execute(() => 'never').catch((e: unknown) => e)) as CircuitOpenError;
    expect(error.reason).toBe('isolated');
    isolation.dispose();
    await expect(breaker.execute(() => 'runs')).resolves.toBe('runs');
  });

  it('reason is "half-open-full" while every probe slot is taken', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'db', clock, recoveryTimeout: '10s', probeTimeout: '5s', trip: { consecutiveFailures: 1 } });
    trip(breaker);
    clock.advance(10_000);
    const probe = breaker.acquire() as Permit;
    expect(probe.admitted).toBe(true);
    clock.advance(1_000);
    const error = (await breaker.execute(() => 'never').catch((e: unknown) => e)) as CircuitOpenError;
    expect(error.reason).toBe('half-open-full');
    // The probe's lease ends 4 s from now at the latest.
    expect(error.retryAfterMs).toBe(4_000);
    probe.success();
  });

  it('rejections are created without a stack trace: `stack` is only the first line', async () => {
    const breaker = tripOnFirstFailure();
    trip(breaker);
    const fromExecute = (await breaker.execute(() => 'never').catch((e: unknown) => e)) as CircuitOpenError;
    expect(fromExecute.stack?.split('\n')).toEqual([`CircuitOpenError: ${fromExecute.message}`]);

    const rejection = breaker.acquire() as Rejection;
    expect(rejection.error.stack?.split('\n')).toHaveLength(1);
    expect(rejection.error.stack).toBe(`CircuitOpenError: ${rejection.error.message}`);
  });

  it('building a rejection restores Error.stackTraceLimit', async () => {
    const limit = Error.stackTraceLimit;
    const breaker = tripOnFirstFailure();
    trip(breaker);
    await breaker.execute(() => 'never').catch(() => undefined);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack!.split('\n').length).toBeGreaterThan(1);
  });

  it('a CircuitOpenError built directly keeps its stack', () => {
    const error = new CircuitOpenError('db', 'open', 1);
    expect(error.stack!.split('\n').length).toBeGreaterThan(1);
  });

  it('a Rejection builds its error once, on first read', () => {
    const breaker = tripOnFirstFailure('db');
    trip(breaker);
    const rejection = breaker.acquire() as Rejection & { reason: string };
    expect(rejection).toMatchObject({ admitted: false, policy: 'db', code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 10_000, reason: 'open' });
    const error = rejection.error;
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(rejection.error).toBe(error);
    expect((error as CircuitOpenError).retryAfterMs).toBe(rejection.retryAfterMs);
  });

  it('a fallback receives the CircuitOpenError', async () => {
    const clock = new ManualClock(0);
    const fallback = vi.fn((error: unknown) => (error instanceof CircuitOpenError ? `cached (${error.reason})` : 'other'));
    const breaker = circuitBreaker({ name: 'db', clock, trip: { consecutiveFailures: 1 }, fallback });
    trip(breaker);
    await expect(breaker.execute(() => 'never')).resolves.toBe('cached (open)');
    expect(fallback).toHaveBeenCalledTimes(1);
  });
});

/** A minimal policy of another kind, to share names with breakers. */
function fakePolicy(kind: string, name: string, health: HealthStatus = 'healthy'): ObservablePolicy & { closed: number } {
  return {
    kind,
    name,
    closed: 0,
    snapshot: (): PolicySnapshotBase => ({ kind, name, health }),
    close() {
      this.closed++;
    },
  };
}

describe('Registry', () => {
  it('register() returns the policy and get() finds it by kind and name', () => {
    const registry = new Registry();
    const breaker = tripOnFirstFailure('db');
    expect(registry.register(breaker)).toBe(breaker);
    expect(registry.get('circuit-breaker', 'db')).toBe(breaker);
    expect(registry.get('circuit-breaker', 'other')).toBeUndefined();
    expect(registry.get('bulkhead', 'db')).toBeUndefined();
    expect(registry.list()).toEqual([breaker]);
  });

  it('a different instance under the same kind and name throws DuplicatePolicyError', () => {
    const registry = new Registry();
    const first = tripOnFirstFailure('db');
    registry.register(first);
    const error = (() => {
      try {
        registry.register(tripOnFirstFailure('db'));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DuplicatePolicyError);
    expect(isBreakwaterError(error, 'ERR_DUPLICATE_POLICY')).toBe(true);
    expect((error as DuplicatePolicyError).message).toContain('db');
    expect(registry.get('circuit-breaker', 'db')).toBe(first);
  });

  it('DuplicatePolicyError.policy is the policy name, and the message quotes that name', () => {
    // `policy` is documented as the name of the policy that raised the error.
    const registry = new Registry();
    registry.register(tripOnFirstFailure('db'));
    let error: unknown;
    try {
      registry.register(tripOnFirstFailure('db'));
    } catch (caught) {
      error = caught;
    }
    expect((error as DuplicatePolicyError).policy).toBe('db');
    expect((error as DuplicatePolicyError).message).toContain('"db"');
  });

  it('registering the same instance twice is fine', () => {
    const registry = new Registry();
    const breaker = tripOnFirstFailure('db');
    registry.register(breaker);
    expect(() => registry.register(breaker)).not.toThrow();
    expect(registry.list()).toHaveLength(1);
  });

  it('the same name under a different kind is fine', () => {
    const registry = new Registry();
    const breaker = registry.register(tripOnFirstFailure('payments'));
    const bulkhead = registry.register(fakePolicy('bulkhead', 'payments'));
    expect(registry.get('circuit-breaker', 'payments')).toBe(breaker);
    expect(registry.get('bulkhead', 'payments')).toBe(bulkhead);
    expect(registry.list()).toHaveLength(2);
  });

  it('names that would collide when joined naively stay apart', () => {
    const registry = new Registry();
    registry.register(fakePolicy('a b', 'c'));
    expect(() => registry.register(fakePolicy('a', 'b c'))).not.toThrow();
    expect(registry.list()).toHaveLength(2);
  });

  it('getOrCreate() builds once and then returns the registered policy', () => {
    const registry = new Registry();
    const create = vi.fn(() => tripOnFirstFailure('payments'));
    const first = registry.getOrCreate('circuit-breaker', 'payments', create);
    const second = registry.getOrCreate('circuit-breaker', 'payments', create);
    expect(second).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(registry.get('circuit-breaker', 'payments')).toBe(first);
  });

  it('getOrCreate() returns a policy registered earlier without building', () => {
    const registry = new Registry();
    const breaker = registry.register(tripOnFirstFailure('payments'));
    const create = vi.fn(() => tripOnFirstFailure('payments'));
    expect(registry.getOrCreate('circuit-breaker', 'payments', create)).toBe(breaker);
    expect(create).not.toHaveBeenCalled();
  });

  it('getOrCreate() refuses a policy of another kind or name', () => {
    const registry = new Registry();
    expect(() => registry.getOrCreate('circuit-breaker', 'payments', () => tripOnFirstFailure('orders'))).toThrow(TypeError);
    expect(() => registry.getOrCreate('bulkhead', 'payments', () => tripOnFirstFailure('payments'))).toThrow(TypeError);
    expect(registry.list()).toEqual([]);
  });

  it('getOrCreate() lets a failing factory throw and registers nothing', () => {
    const registry = new Registry();
    expect(() =>
      registry.getOrCreate('circuit-breaker', 'payments', () => circuitBreaker({ name: 'payments', maxProbes: 0 })),
    ).toThrow(ConfigError);
    expect(registry.get('circuit-breaker', 'payments')).toBeUndefined();
  });

  it('unregister() removes without closing, and says whether it was there', () => {
    const registry = new Registry();
    const breaker = registry.register(tripOnFirstFailure('db'));
    const listener = vi.fn();
    breaker.onStateChange(listener);
    expect(registry.unregister('circuit-breaker', 'db')).toBe(true);
    expect(registry.unregister('circuit-breaker', 'db')).toBe(false);
    expect(registry.get('circuit-breaker', 'db')).toBeUndefined();
    trip(breaker);
    expect(listener).toHaveBeenCalledTimes(1);
    // The name is free again.
    expect(() => registry.register(tripOnFirstFailure('db'))).not.toThrow();
  });

  it('an empty registry is healthy', () => {
    const registry = new Registry();
    expect(registry.snapshot()).toEqual({ health: 'healthy', policies: [] });
    expect(registry.health()).toEqual({ status: 'healthy', degraded: [], total: 0 });
  });

  it('is healthy while every breaker is closed', () => {
    const registry = new Registry();
    registry.register(tripOnFirstFailure('a'));
    registry.register(tripOnFirstFailure('b'));
    const snapshot = registry.snapshot();
    expect(snapshot.health).toBe('healthy');
    expect(snapshot.policies.map((p) => [p.kind, p.name, p.health])).toEqual([
      ['circuit-breaker', 'a', 'healthy'],
      ['circuit-breaker', 'b', 'healthy'],
    ]);
    expect(registry.health()).toEqual({ status: 'healthy', degraded: [], total: 2 });
  });

  it('is degraded when one breaker is open and another closed', () => {
    const registry = new Registry();
    const a = registry.register(tripOnFirstFailure('a'));
    registry.register(tripOnFirstFailure('b'));
    trip(a);
    const snapshot = registry.snapshot();
    expect(snapshot.health).toBe('degraded');
    expect(snapshot.policies.find((p) => p.name === 'a')).toMatchObject({ kind: 'circuit-breaker', state: 'open', health: 'unhealthy' });
    expect(registry.health()).toEqual({
      status: 'degraded',
      degraded: [{ kind: 'circuit-breaker', name: 'a', health: 'unhealthy' }],
      total: 2,
    });
  });

  it('is unhealthy when every breaker is open', () => {
    const registry = new Registry();
    const a = registry.register(tripOnFirstFailure('a'));
    const b = registry.register(tripOnFirstFailure('b'));
    trip(a);
    trip(b);
    expect(registry.snapshot().health).toBe('unhealthy');
    expect(registry.health()).toEqual({
      status: 'unhealthy',
      degraded: [
        { kind: 'circuit-breaker', name: 'a', health: 'unhealthy' },
        { kind: 'circuit-breaker', name: 'b', health: 'unhealthy' },
      ],
      total: 2,
    });
  });

  it('a half-open breaker is degraded', () => {
    const clock = new ManualClock(0);
    const registry = new Registry();
    const breaker = registry.register(tripOnFirstFailure('a', clock));
    trip(breaker);
    clock.advance(10_000);
    const probe = breaker.acquire() as Permit;
    expect(breaker.state).toBe('half-open');
    expect(registry.health()).toEqual({ status: 'degraded', degraded: [{ kind: 'circuit-breaker', name: 'a', health: 'degraded' }], total: 1 });
    probe.success();
    expect(registry.health().status).toBe('healthy');
  });

  it('an isolated breaker alone makes the registry unhealthy; reset() makes it healthy again', () => {
    const registry = new Registry();
    const breaker = registry.register(tripOnFirstFailure('a'));
    breaker.isolate();
    expect(registry.health().status).toBe('unhealthy');
    breaker.reset();
    expect(registry.health().status).toBe('healthy');
  });

  it('mixes kinds in its summary', () => {
    const registry = new Registry();
    registry.register(fakePolicy('bulkhead', 'pool', 'degraded'));
    registry.register(tripOnFirstFailure('db'));
    expect(registry.health()).toEqual({ status: 'degraded', degraded: [{ kind: 'bulkhead', name: 'pool', health: 'degraded' }], total: 2 });
  });

  it('snapshots are plain data, safe to serialise', () => {
    const registry = new Registry();
    registry.register(tripOnFirstFailure('a'));
    const snapshot = registry.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('close() closes every policy and empties the registry', () => {
    const registry = new Registry();
    const breaker = registry.register(tripOnFirstFailure('db'));
    const listener = vi.fn();
    breaker.onStateChange(listener);
    const bulkhead = registry.register(fakePolicy('bulkhead', 'db'));
    const closeSpy = vi.spyOn(breaker, 'close');
    registry.close();
    expect(closeSpy).toHaveBeenCalledTimes(1);
    expect(bulkhead.closed).toBe(1);
    expect(registry.list()).toEqual([]);
    // The breaker's subscriptions went with it.
    trip(breaker);
    expect(listener).not.toHaveBeenCalled();
    // Closing again closes nothing twice.
    registry.close();
    expect(bulkhead.closed).toBe(1);
  });
});

describe('flushMicrotasks (testing helper)', () => {
  it('lets chained promise reactions run', async () => {
    let done = false;
    void Promise.resolve()
      .then(() => undefined)
      .then(() => {
        done = true;
      });
    await flushMicrotasks();
    expect(done).toBe(true);
  });
});
