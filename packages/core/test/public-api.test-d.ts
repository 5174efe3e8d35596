import { describe, expectTypeOf, it } from 'vitest';
import {
  circuitBreaker,
  isBreakwaterError,
  memoryBreakerStateStore,
  parseDuration,
  Registry,
  systemClock,
  type Admission,
  type BreakerAdmission,
  type BreakwaterError,
  type CircuitBreaker,
  type CircuitOpenError,
  type ConfigError,
  type BreakerBinding,
  type BreakerCommand,
  type BreakerStateHandle,
  type BreakerStateStore,
  type BreakerStoreStatus,
  type BreakerTicket,
  type BreakerView,
  type CallFailed,
  type CallRejected,
  type CallSucceeded,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitBreakerState,
  type CircuitRejection,
  type CircuitRejectionReason,
  type CircuitStateName,
  type Clock,
  type ConfigIssue,
  type Disposable,
  type Duration,
  type ErrorCode,
  type ExecutionContext,
  type HealthReport,
  type HealthStatus,
  type ObservablePolicy,
  type OutcomeFlags,
  type Permit,
  type Rejection,
  type ResolvedCircuitBreakerOptions,
  type Settlement,
  type StateChange,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

declare const breaker: CircuitBreaker;

describe('circuitBreaker()', () => {
  it('returns a CircuitBreaker without a fallback type', () => {
    expectTypeOf(circuitBreaker({ name: 'db' })).toEqualTypeOf<CircuitBreaker<never>>();
    expectTypeOf(circuitBreaker).returns.toExtend<ObservablePolicy<CircuitBreakerSnapshot>>();
  });

  it('infers the fallback type from the fallback', () => {
    expectTypeOf(circuitBreaker({ name: 'db', fallback: () => 'cached' })).toEqualTypeOf<CircuitBreaker<string>>();
    expectTypeOf(circuitBreaker({ name: 'db', fallback: async () => 0 })).toEqualTypeOf<CircuitBreaker<number>>();
    expectTypeOf(circuitBreaker({ name: 'db', fallback: () => null })).toEqualTypeOf<CircuitBreaker<null>>();
  });

  it('the fallback receives the error as unknown', () => {
    circuitBreaker({
      name: 'db',
      fallback: (error) => {
        expectTypeOf(error).toBeUnknown();
        return 1;
      },
    });
  });

  it('has kind, name and resolved options', () => {
    expectTypeOf(breaker.kind).toEqualTypeOf<'circuit-breaker'>();
    expectTypeOf(breaker.name).toBeString();
    expectTypeOf(breaker.options).toEqualTypeOf<ResolvedCircuitBreakerOptions>();
    expectTypeOf(breaker.state).toEqualTypeOf<CircuitStateName>();
  });
});

describe('execute()', () => {
  it('resolves to T without a fallback', () => {
    expectTypeOf(breaker.execute(() => 42)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(breaker.execute(async () => 'row')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(breaker.execute(() => Promise.resolve({ id: 1 }))).toEqualTypeOf<Promise<{ id: number }>>();
    expectTypeOf(breaker.execute<number>(() => 1)).toEqualTypeOf<Promise<number>>();
  });

  it('resolves to T | F with a fallback returning F', () => {
    const withFallback = circuitBreaker({ name: 'db', fallback: () => ({ cached: true as const }) });
    expectTypeOf(withFallback.execute(() => 42)).toEqualTypeOf<Promise<number | { cached: true }>>();
    const withAsyncFallback = circuitBreaker({ name: 'db', fallback: async (): Promise<string> => 'stale' });
    expectTypeOf(withAsyncFallback.execute(async () => 42)).toEqualTypeOf<Promise<number | string>>();
  });

  it('hands the function an ExecutionContext with an AbortSignal', () => {
    void breaker.execute((context) => {
      expectTypeOf(context).toEqualTypeOf<ExecutionContext>();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      return 1;
    });
    expectTypeOf<ExecutionContext>().toHaveProperty('signal').toEqualTypeOf<AbortSignal>();
  });

  it('takes an optional caller signal', () => {
    void breaker.execute(() => 1, { signal: new AbortController().signal });
    void breaker.execute(() => 1, { signal: undefined });
    void breaker.execute(() => 1, {});
    // @ts-expect-error: a signal must be an AbortSignal
    void breaker.execute(() => 1, { signal: 'abort' });
  });
});

describe('acquire()', () => {
  it('returns an admission, possibly asynchronously', () => {
    expectTypeOf(breaker.acquire()).toEqualTypeOf<BreakerAdmission | Promise<BreakerAdmission>>();
    expectTypeOf(breaker.acquire()).toExtend<Admission | Promise<Admission>>();
    expectTypeOf<BreakerAdmission>().toExtend<Admission>();
  });

  it('narrows on `admitted` to a Permit or a Rejection', async () => {
    const admission = await breaker.acquire();
    if (admission.admitted) {
      expectTypeOf(admission).toEqualTypeOf<Permit>();
      expectTypeOf(admission.success).toBeCallableWith();
      expectTypeOf(admission.success).toBeCallableWith({ status: 200 });
      expectTypeOf(admission.failure).toBeCallableWith(new Error('down'));
      expectTypeOf(admission.release).toBeCallableWith();
      expectTypeOf(admission.settled).toBeBoolean();
    } else {
      expectTypeOf(admission).toEqualTypeOf<CircuitRejection>();
      expectTypeOf(admission).toExtend<Rejection>();
      expectTypeOf(admission.retryAfterMs).toBeNumber();
      expectTypeOf(admission.code).toExtend<ErrorCode>();
      expectTypeOf(admission.error).toEqualTypeOf<CircuitOpenError>();
      expectTypeOf(admission.reason).toEqualTypeOf<CircuitRejectionReason>();
    }
  });

  it('narrows a plain Admission the same way', () => {
    const admission = {} as Admission;
    if (admission.admitted) expectTypeOf(admission).toEqualTypeOf<Permit>();
    else {
      expectTypeOf(admission).toEqualTypeOf<Rejection>();
      expectTypeOf(admission.error).toEqualTypeOf<BreakwaterError>();
    }
  });
});

describe('options', () => {
  it('accept a full set of options', () => {
    const options: CircuitBreakerOptions = {
      name: 'payments',
      trip: {
        consecutiveFailures: 5,
        failureRate: { threshold: 0.5, minimumCalls: 20, window: { type: 'time', duration: '30s', buckets: 10 } },
        slowCallRate: { threshold: 0.8, slowCallDuration: '2s', window: { type: 'count', size: 50 } },
      },
      recoveryTimeout: '10s',
      backoff: { multiplier: 2, maxRecoveryTimeout: '2m' },
      maxProbes: 2,
      successThreshold: 1,
      probeTimeout: 10_000,
      timeout: '2s',
      isFailure: (error) => !(error instanceof TypeError),
      isIgnored: () => false,
      isResultFailure: (result) => (result as { status?: number }).status === 503,
      clock: systemClock,
      store: memoryBreakerStateStore,
    };
    expectTypeOf(circuitBreaker(options)).toEqualTypeOf<CircuitBreaker<never>>();
  });

  it('reject wrong types', () => {
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: threshold is a number in (0, 1], not a string
      trip: { failureRate: { threshold: '0.5' } },
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: unknown option
      unknownOption: true,
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: '30 sec' is not a Duration
      recoveryTimeout: '30 sec',
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: maxProbes is a number
      maxProbes: '2',
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: there is no sliding window type
      trip: { failureRate: { threshold: 0.5, window: { type: 'sliding' } } },
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: a count window has no duration
      trip: { failureRate: { threshold: 0.5, window: { type: 'count', duration: '10s' } } },
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: a slow-call condition needs slowCallDuration
      trip: { slowCallRate: { threshold: 0.5 } },
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: isFailure must return a boolean
      isFailure: () => 'yes',
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: a clock needs now(), setTimeout() and clearTimeout()
      clock: { now: () => 0 },
    });
    circuitBreaker({
      name: 'db',
      // @ts-expect-error: initialState is saved state, not a state name
      initialState: 'open',
    });
    // @ts-expect-error: name is required
    circuitBreaker({ recoveryTimeout: '30s' });
    // @ts-expect-error: options are required
    circuitBreaker();
  });
});

describe('Duration', () => {
  it('accepts milliseconds and strings with a unit', () => {
    expectTypeOf(1000).toExtend<Duration>();
    expectTypeOf<'30s'>().toExtend<Duration>();
    expectTypeOf<'1.5m'>().toExtend<Duration>();
    expectTypeOf<'2 h'>().toExtend<Duration>();
    expectTypeOf<'250ms'>().toExtend<Duration>();
    expectTypeOf<'7d'>().toExtend<Duration>();
    const durations: Duration[] = [1000, '30s', '1.5m', '2 h', '250ms', '1h', '1d', 0];
    expectTypeOf(durations).items.toEqualTypeOf<Duration>();
  });

  it('rejects other strings', () => {
    expectTypeOf<'30 sec'>().not.toExtend<Duration>();
    expectTypeOf<'30'>().not.toExtend<Duration>();
    expectTypeOf<'abc'>().not.toExtend<Duration>();
    expectTypeOf<'5S'>().not.toExtend<Duration>();
    expectTypeOf<'1w'>().not.toExtend<Duration>();
    // @ts-expect-error: not a Duration
    const bad: Duration = '10 years';
    void bad;
  });

  it('parseDuration takes anything and answers number | undefined', () => {
    expectTypeOf(parseDuration).parameter(0).toBeUnknown();
    expectTypeOf(parseDuration).returns.toEqualTypeOf<number | undefined>();
  });

  it('resolved options hold durations as milliseconds', () => {
    expectTypeOf(breaker.options.recoveryTimeout).toEqualTypeOf<number>();
    expectTypeOf(breaker.options.probeTimeout).toEqualTypeOf<number>();
    expectTypeOf(breaker.options.timeout).toEqualTypeOf<number | undefined>();
    expectTypeOf(breaker.options.maxProbes).toEqualTypeOf<number>();
    expectTypeOf(breaker.options.clock).toEqualTypeOf<Clock>();
    expectTypeOf(breaker.options.backoff).toEqualTypeOf<{ multiplier: number; maxRecoveryTimeout: number } | undefined>();
    const failureRate = breaker.options.trip.failureRate;
    if (failureRate) {
      expectTypeOf(failureRate.minimumCalls).toEqualTypeOf<number>();
      expectTypeOf(failureRate.threshold).toEqualTypeOf<number>();
      if (failureRate.window.type === 'time') expectTypeOf(failureRate.window.duration).toEqualTypeOf<number>();
      else expectTypeOf(failureRate.window.size).toEqualTypeOf<number>();
    }
  });
});

describe('snapshots and states', () => {
  it('CircuitStateName is the union of the six states', () => {
    expectTypeOf<CircuitStateName>().toEqualTypeOf<'closed' | 'open' | 'half-open' | 'isolated' | 'disabled' | 'metrics-only'>();
    expectTypeOf<CircuitBreakerState['state']>().toEqualTypeOf<Exclude<CircuitStateName, 'half-open'>>();
  });

  it('snapshot() has typed fields', () => {
    const snapshot = breaker.snapshot();
    expectTypeOf(snapshot).toEqualTypeOf<CircuitBreakerSnapshot>();
    expectTypeOf(snapshot.kind).toEqualTypeOf<'circuit-breaker'>();
    expectTypeOf(snapshot.name).toEqualTypeOf<string>();
    expectTypeOf(snapshot.health).toEqualTypeOf<HealthStatus>();
    expectTypeOf(snapshot.state).toEqualTypeOf<CircuitStateName>();
    expectTypeOf(snapshot.calls).toEqualTypeOf<number>();
    expectTypeOf(snapshot.successes).toEqualTypeOf<number>();
    expectTypeOf(snapshot.failures).toEqualTypeOf<number>();
    expectTypeOf(snapshot.slowCalls).toEqualTypeOf<number>();
    expectTypeOf(snapshot.failureRate).toEqualTypeOf<number | null>();
    expectTypeOf(snapshot.slowCallRate).toEqualTypeOf<number | null>();
    expectTypeOf(snapshot.consecutiveFailures).toEqualTypeOf<number>();
    expectTypeOf(snapshot.probesInFlight).toEqualTypeOf<number>();
    expectTypeOf(snapshot.lastFailureAt).toEqualTypeOf<number | null>();
    expectTypeOf(snapshot.stateChangedAt).toEqualTypeOf<number>();
    expectTypeOf(snapshot.timeInStateMs).toEqualTypeOf<number>();
    expectTypeOf(snapshot.retryAfterMs).toEqualTypeOf<number>();
  });

  it('HealthStatus is healthy | degraded | unhealthy', () => {
    expectTypeOf<HealthStatus>().toEqualTypeOf<'healthy' | 'degraded' | 'unhealthy'>();
  });

  it('toJSON() and restore() speak CircuitBreakerState', () => {
    expectTypeOf(breaker.toJSON()).toEqualTypeOf<CircuitBreakerState>();
    expectTypeOf(breaker.restore).parameter(0).toEqualTypeOf<CircuitBreakerState>();
    circuitBreaker({ name: 'db', initialState: breaker.toJSON() });
  });
});

describe('events', () => {
  it('onStateChange passes a StateChange', () => {
    breaker.onStateChange((change) => {
      expectTypeOf(change).toEqualTypeOf<StateChange>();
      expectTypeOf(change.from).toEqualTypeOf<CircuitStateName>();
      expectTypeOf(change.to).toEqualTypeOf<CircuitStateName>();
      expectTypeOf(change.reason).toBeString();
      expectTypeOf(change.at).toBeNumber();
      expectTypeOf(change.breaker).toBeString();
    });
  });

  it('onFailure passes a CallFailed with an unknown error', () => {
    breaker.onFailure((event) => {
      expectTypeOf(event).toEqualTypeOf<CallFailed>();
      expectTypeOf(event.error).toBeUnknown();
      expectTypeOf(event.durationMs).toBeNumber();
    });
  });

  it('onSuccess and onReject pass their payloads', () => {
    breaker.onSuccess((event) => expectTypeOf(event).toEqualTypeOf<CallSucceeded>());
    breaker.onReject((event) => {
      expectTypeOf(event).toEqualTypeOf<CallRejected>();
      expectTypeOf(event.reason).toEqualTypeOf<CircuitRejectionReason>();
    });
    // @ts-expect-error: a state-change listener does not receive a CallFailed
    breaker.onStateChange((event: CallFailed) => void event);
  });

  it('subscriptions, isolations and modes are Disposables', () => {
    expectTypeOf(breaker.onStateChange(() => undefined)).toEqualTypeOf<Disposable>();
    expectTypeOf(breaker.isolate()).toEqualTypeOf<Disposable>();
    expectTypeOf(breaker.disable()).toEqualTypeOf<Disposable>();
    expectTypeOf(breaker.metricsOnly()).toEqualTypeOf<Disposable>();
  });

  it('Disposable has dispose() and [Symbol.dispose]()', () => {
    expectTypeOf<Disposable>().toHaveProperty('dispose').toEqualTypeOf<() => void>();
    expectTypeOf<Disposable>().toHaveProperty(Symbol.dispose).toEqualTypeOf<() => void>();
    expectTypeOf<Disposable>().toExtend<globalThis.Disposable>();
  });

  it('CircuitRejectionReason is open | isolated | half-open-full', () => {
    expectTypeOf<CircuitRejectionReason>().toEqualTypeOf<'open' | 'isolated' | 'half-open-full'>();
  });
});

describe('Registry', () => {
  const registry = new Registry();

  it('getOrCreate() returns the created type', () => {
    expectTypeOf(registry.getOrCreate('circuit-breaker', 'db', () => circuitBreaker({ name: 'db' }))).toEqualTypeOf<CircuitBreaker<never>>();
    const withFallback = registry.getOrCreate('circuit-breaker', 'db', () => circuitBreaker({ name: 'db', fallback: () => 'cached' }));
    expectTypeOf(withFallback).toEqualTypeOf<CircuitBreaker<string>>();
    expectTypeOf(withFallback.execute(() => 1)).toEqualTypeOf<Promise<number | string>>();
  });

  it('register() returns what it was given; get() an ObservablePolicy', () => {
    expectTypeOf(registry.register(breaker)).toEqualTypeOf<CircuitBreaker>();
    expectTypeOf(registry.get('circuit-breaker', 'db')).toEqualTypeOf<ObservablePolicy | undefined>();
    expectTypeOf(registry.unregister('circuit-breaker', 'db')).toBeBoolean();
    expectTypeOf(registry.health()).toEqualTypeOf<HealthReport>();
    expectTypeOf(registry.health().status).toEqualTypeOf<HealthStatus>();
    expectTypeOf(registry.snapshot().health).toEqualTypeOf<HealthStatus>();
  });

  it('holds only observable policies', () => {
    // @ts-expect-error: not a policy
    registry.register({ name: 'db' });
  });
});

describe('stores and clocks', () => {
  it('a user object can implement BreakerStateStore', () => {
    class LoggingHandle implements BreakerStateHandle {
      readonly needsTime = false;
      readonly #inner: BreakerStateHandle;
      constructor(inner: BreakerStateHandle) {
        this.#inner = inner;
      }
      admit(): BreakerTicket | null | Promise<BreakerTicket | null> {
        return this.#inner.admit();
      }
      settle(ticket: BreakerTicket, settlement: Settlement, flags: OutcomeFlags): void {
        this.#inner.settle(ticket, settlement, flags);
      }
      rejection(): { readonly reason: CircuitRejectionReason; readonly retryAfterMs: number } {
        return this.#inner.rejection();
      }
      command(command: BreakerCommand): void {
        this.#inner.command(command);
      }
      view(): BreakerView {
        return this.#inner.view();
      }
      toJSON(): CircuitBreakerState {
        return this.#inner.toJSON();
      }
      restore(state: CircuitBreakerState): boolean {
        return this.#inner.restore(state);
      }
      close(): void {
        this.#inner.close();
      }
    }
    const store = {
      shared: false,
      bindBreaker(binding: BreakerBinding): BreakerStateHandle {
        expectTypeOf(binding.spec.name).toBeString();
        expectTypeOf(binding.spec.recoveryTimeout).toBeNumber();
        expectTypeOf(binding.clock).toEqualTypeOf<Clock>();
        return new LoggingHandle(memoryBreakerStateStore.bindBreaker(binding));
      },
    } satisfies BreakerStateStore;
    expectTypeOf(store).toExtend<BreakerStateStore>();
    expectTypeOf(circuitBreaker({ name: 'db', store })).toEqualTypeOf<CircuitBreaker<never>>();
    circuitBreaker({ name: 'db', store }).onStoreStatus((event) => {
      expectTypeOf(event).toEqualTypeOf<BreakerStoreStatus>();
      expectTypeOf(event.status).toEqualTypeOf<'local' | 'shared'>();
    });
    expectTypeOf<BreakerBinding['onStoreStatus']>().toEqualTypeOf<((event: BreakerStoreStatus) => void) | undefined>();
    expectTypeOf<BreakerStateHandle['seed']>().toEqualTypeOf<((state: CircuitBreakerState) => boolean) | undefined>();

    // @ts-expect-error: a store needs bindBreaker()
    const incomplete: BreakerStateStore = { shared: false };
    void incomplete;
  });

  it('ManualClock implements Clock', () => {
    expectTypeOf<ManualClock>().toExtend<Clock>();
    const clock: Clock = new ManualClock(0);
    void clock;
    expectTypeOf(new ManualClock().advance).toBeCallableWith(1_000);
    expectTypeOf(new ManualClock().advanceAsync(1_000)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(circuitBreaker({ name: 'db', clock: new ManualClock() })).toEqualTypeOf<CircuitBreaker<never>>();
  });

  it('systemClock is a Clock', () => {
    expectTypeOf(systemClock).toEqualTypeOf<Clock>();
  });
});

describe('errors', () => {
  it('isBreakwaterError narrows unknown to BreakwaterError', () => {
    expectTypeOf(isBreakwaterError).guards.toEqualTypeOf<BreakwaterError>();
    const caught: unknown = undefined;
    if (isBreakwaterError(caught, 'ERR_CIRCUIT_OPEN')) {
      expectTypeOf(caught).toEqualTypeOf<BreakwaterError>();
      expectTypeOf(caught.code).toEqualTypeOf<ErrorCode>();
      expectTypeOf(caught.policy).toEqualTypeOf<string | undefined>();
    }
    // @ts-expect-error: not an error code
    isBreakwaterError(caught, 'ERR_NOPE');
  });

  it('ErrorCode lists the stable codes', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'ERR_CIRCUIT_OPEN'
      | 'ERR_RATE_LIMITED'
      | 'ERR_QUOTA_EXCEEDED'
      | 'ERR_BULKHEAD_FULL'
      | 'ERR_TIMEOUT'
      | 'ERR_ALL_FALLBACKS_FAILED'
      | 'ERR_RETRY_EXHAUSTED'
      | 'ERR_STORE_UNAVAILABLE'
      | 'ERR_INVALID_CONFIG'
      | 'ERR_DUPLICATE_POLICY'
      | 'ERR_MISSING_PEER_DEPENDENCY'
      | 'ERR_HANDLER_FAILED'
    >();
  });

  it('CircuitOpenError and ConfigError carry their data', () => {
    expectTypeOf<CircuitOpenError>().toExtend<BreakwaterError>();
    expectTypeOf<CircuitOpenError['retryAfterMs']>().toEqualTypeOf<number>();
    expectTypeOf<CircuitOpenError['reason']>().toEqualTypeOf<CircuitRejectionReason>();
    expectTypeOf<ConfigError['issues']>().toEqualTypeOf<readonly ConfigIssue[]>();
    expectTypeOf<ConfigIssue>().toEqualTypeOf<{ readonly path: string; readonly message: string; readonly received: unknown }>();
  });
});
