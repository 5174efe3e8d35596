import { describe, expectTypeOf, it } from 'vitest';
import {
  calendarWindow,
  quota,
  type Admission,
  type BreakwaterError,
  type CalendarWindow,
  type Decision,
  type ObservablePolicy,
  type Quota,
  type QuotaAdmission,
  type QuotaDecision,
  type QuotaExceededError,
  type QuotaPeriod,
  type QuotaRejected,
  type QuotaSnapshot,
  type QuotaUsage,
  type ResolvedQuotaOptions,
} from '../src/index.js';

interface Req {
  readonly apiKey: string;
  readonly route: string;
}
declare const q: Quota<Req>;

describe('quota()', () => {
  it('infers the input from the key and operation functions', () => {
    expectTypeOf(quota({ name: 'q', limits: { hour: 1000, day: 10_000 }, key: (r: Req) => r.apiKey, operation: (r) => r.route })).toEqualTypeOf<Quota<Req>>();
    expectTypeOf(quota({ name: 'q', limits: { month: 5 } })).toEqualTypeOf<Quota<unknown>>();
    expectTypeOf(quota).returns.toExtend<ObservablePolicy<QuotaSnapshot>>();
    // @ts-expect-error a year is not a quota period
    quota({ name: 'q', limits: { year: 5 } });
    // @ts-expect-error a time zone is a string
    quota({ name: 'q', limits: { day: 5 }, timeZone: -5 });
  });

  it('acquire and execute', async () => {
    expectTypeOf(q.acquire({ apiKey: 'k', route: '/r' })).toEqualTypeOf<QuotaAdmission | Promise<QuotaAdmission>>();
    expectTypeOf<QuotaAdmission>().toExtend<Admission>();
    expectTypeOf(q.execute(() => 1, { input: { apiKey: 'k', route: '/r' }, cost: 3 })).toEqualTypeOf<Promise<number>>();
    const admission = await q.acquire({ apiKey: 'k', route: '/r' });
    if (!admission.admitted) {
      expectTypeOf(admission.error).toEqualTypeOf<QuotaExceededError>();
      expectTypeOf(admission.decision.period).toEqualTypeOf<QuotaPeriod>();
    }
  });

  it('usage, reset, events, snapshot', () => {
    expectTypeOf(q.usage('k')).toEqualTypeOf<Promise<QuotaUsage>>();
    expectTypeOf(q.usage('k', 'reports')).toEqualTypeOf<Promise<QuotaUsage>>();
    expectTypeOf(q.reset('k')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(q.onReject).parameter(0).toEqualTypeOf<(event: QuotaRejected) => void>();
    expectTypeOf(q.snapshot().kind).toEqualTypeOf<'quota'>();
    expectTypeOf(q.options).toEqualTypeOf<ResolvedQuotaOptions>();
    expectTypeOf<QuotaUsage['windows'][number]['used']>().toBeNumber();
  });

  it('errors and decisions carry data', () => {
    expectTypeOf<QuotaExceededError>().toExtend<BreakwaterError>();
    expectTypeOf<QuotaExceededError['resetAt']>().toBeNumber();
    expectTypeOf<QuotaDecision>().toExtend<Decision>();
    expectTypeOf<QuotaPeriod>().toEqualTypeOf<'hour' | 'day' | 'week' | 'month'>();
    expectTypeOf(calendarWindow('day', 0, 'UTC', 1)).toEqualTypeOf<CalendarWindow>();
  });
});
