import { describe, expectTypeOf, it } from 'vitest';
import {
  rateLimit,
  type Admission,
  type BreakwaterError,
  type Decision,
  type LimitOptions,
  type ObservablePolicy,
  type RateLimit,
  type RateLimitAdmission,
  type RateLimitDecision,
  type RateLimitDelayed,
  type RateLimitedError,
  type RateLimitExceeded,
  type RateLimitExecuteOptions,
  type RateLimitPermit,
  type RateLimitRejected,
  type RateLimitRejection,
  type RateLimitRejectionReason,
  type RateLimitSnapshot,
  type ResolvedRateLimitOptions,
  type ExecuteOptions,
  type Disposable,
} from '../src/index.js';

interface Req {
  readonly ip: string;
  readonly apiKey?: string;
}
declare const req: Req;
declare const limiter: RateLimit<Req>;

describe('rateLimit()', () => {
  it('infers the input type from key functions', () => {
    expectTypeOf(rateLimit({ name: 'api', limits: [{ key: (r: Req) => r.ip, capacity: 10, refillRate: 5 }] })).toEqualTypeOf<RateLimit<Req>>();
    expectTypeOf(rateLimit({ name: 'api', limits: [{ capacity: 10, refillRate: 5 }] })).toEqualTypeOf<RateLimit<unknown>>();
    expectTypeOf(rateLimit).returns.toExtend<ObservablePolicy<RateLimitSnapshot>>();
  });

  it('infers the input type once across several limits, cost and lists', () => {
    const built = rateLimit({
      name: 'api',
      limits: [
        { name: 'per-ip', key: (r: Req) => r.ip, capacity: 10, refillRate: 5 },
        { name: 'per-key', key: (r) => r.apiKey ?? r.ip, algorithm: 'sliding-window', limit: 100, window: '1m' },
        { name: 'global', algorithm: 'gcra', limit: 1000, period: '1s', burst: 50 },
      ],
      cost: (r) => (r.apiKey ? 1 : 2),
      allow: (r) => r.ip === '127.0.0.1',
      deny: ['203.0.113.7'],
    });
    expectTypeOf(built).toEqualTypeOf<RateLimit<Req>>();
  });

  it('checks each algorithm’s options', () => {
    expectTypeOf<{ algorithm: 'gcra'; limit: 1; period: '1s' }>().toExtend<LimitOptions>();
    expectTypeOf<{ algorithm: 'fixed-window'; limit: 1; window: 1000 }>().toExtend<LimitOptions>();
    expectTypeOf<{ capacity: 1; refillRate: 1; refillInterval: '250ms' }>().toExtend<LimitOptions>();
    // @ts-expect-error a window has no capacity
    rateLimit({ name: 'api', limits: [{ algorithm: 'fixed-window', limit: 1, window: '1s', capacity: 2 }] });
    // @ts-expect-error durations are numbers or strings like '30s'
    rateLimit({ name: 'api', limits: [{ algorithm: 'gcra', limit: 1, period: '1 fortnight' }] });
    // @ts-expect-error limits is required
    rateLimit({ name: 'api' });
  });

  it('has kind, name and resolved options', () => {
    expectTypeOf(limiter.kind).toEqualTypeOf<'rate-limit'>();
    expectTypeOf(limiter.options).toEqualTypeOf<ResolvedRateLimitOptions>();
    expectTypeOf(limiter.options.limits[0]!.name).toBeString();
  });
});

describe('acquire() and execute()', () => {
  it('acquire takes the input and returns a permit or a rejection, maybe later', () => {
    expectTypeOf(limiter.acquire(req)).toEqualTypeOf<RateLimitAdmission | Promise<RateLimitAdmission>>();
    expectTypeOf<RateLimitAdmission>().toExtend<Admission>();
    expectTypeOf(limiter.acquire).parameter(1).toEqualTypeOf<{ readonly cost?: number; readonly signal?: AbortSignal | undefined } | undefined>();
    // @ts-expect-error the input must match the key functions
    limiter.acquire({ address: '1.2.3.4' });
  });

  it('admit is acquire that may answer undefined (admitted in place, no permit)', () => {
    expectTypeOf(limiter.admit(req)).toEqualTypeOf<RateLimitAdmission | Promise<RateLimitAdmission> | undefined>();
    // @ts-expect-error the input must match the key functions
    limiter.admit({ address: '1.2.3.4' });
  });

  it('narrows on admitted, and both sides carry decisions', async () => {
    const admission = await limiter.acquire(req);
    if (admission.admitted) {
      expectTypeOf(admission).toEqualTypeOf<RateLimitPermit>();
      expectTypeOf(admission.decision).toEqualTypeOf<RateLimitDecision | undefined>();
      expectTypeOf(admission.shadowed).toBeBoolean();
      expectTypeOf(admission.decidedAt).toEqualTypeOf<number>();
    } else {
      expectTypeOf(admission).toEqualTypeOf<RateLimitRejection>();
      expectTypeOf(admission.reason).toEqualTypeOf<RateLimitRejectionReason>();
      expectTypeOf(admission.error).toEqualTypeOf<RateLimitedError>();
      expectTypeOf(admission.decisions).toEqualTypeOf<readonly RateLimitDecision[]>();
    }
  });

  it('execute passes the input and cost in options that extend ExecuteOptions', () => {
    expectTypeOf(limiter.execute(() => 1, { input: req, cost: 2 })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(limiter.execute(async () => 'x', { input: req, signal: AbortSignal.abort() })).toEqualTypeOf<Promise<string>>();
    expectTypeOf<RateLimitExecuteOptions<Req>>().toExtend<ExecuteOptions>();
    // @ts-expect-error the input must match the key functions
    limiter.execute(() => 1, { input: 42 });
  });

  it('errors and decisions carry data', () => {
    expectTypeOf<RateLimitedError>().toExtend<BreakwaterError>();
    expectTypeOf<RateLimitedError['retryAfterMs']>().toBeNumber();
    expectTypeOf<RateLimitedError['decision']>().toEqualTypeOf<RateLimitDecision | undefined>();
    expectTypeOf<RateLimitDecision>().toExtend<Decision>();
    expectTypeOf<RateLimitDecision['name']>().toBeString();
    expectTypeOf<RateLimitRejectionReason>().toEqualTypeOf<'limited' | 'denied' | 'queue-full' | 'wait-exceeded' | 'closed'>();
  });
});

describe('events and snapshot', () => {
  it('subscriptions are typed and disposable', () => {
    expectTypeOf(limiter.onLimit).parameter(0).toEqualTypeOf<(event: RateLimitExceeded) => void>();
    expectTypeOf(limiter.onDelay).parameter(0).toEqualTypeOf<(event: RateLimitDelayed) => void>();
    expectTypeOf(limiter.onReject).parameter(0).toEqualTypeOf<(event: RateLimitRejected) => void>();
    expectTypeOf(limiter.onReject(() => undefined)).toEqualTypeOf<Disposable>();
  });

  it('snapshots are plain data', () => {
    expectTypeOf(limiter.snapshot().kind).toEqualTypeOf<'rate-limit'>();
    expectTypeOf(limiter.snapshot().queued).toBeNumber();
    expectTypeOf(limiter.snapshot().store).toEqualTypeOf<{ readonly keys: number; readonly maxKeys: number | null; readonly evictions: number } | null>();
    expectTypeOf(limiter.reset(req)).toEqualTypeOf<Promise<void>>();
  });
});
