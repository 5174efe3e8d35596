import type { LimitSpec } from '../../store/limit-spec.js';
import { assertThat } from './assert.js';
import type { StoreConformanceCase } from './harness.js';

const day = 86_400_000;
const windowA: LimitSpec = { id: 'conformance:batch-window', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 };
const bucketB: LimitSpec = { id: 'conformance:batch-bucket', algorithm: 'token-bucket', capacity: 3, refillRate: 1, refillIntervalMs: 60_000 };

/** consumeAll's all-or-nothing contract, and durations longer than a 32-bit timer (24.8 days). */
export const batchCases: readonly StoreConformanceCase[] = [
  {
    name: 'consumeAll charges every limit or none',
    async run({ store, at }) {
      const now = at(0);
      const both = await store.consumeAll([windowA, bucketB], ['k', 'k'], 2, now);
      assertThat(both.map((d) => [d.allowed, d.remaining])).toEqual([[true, 3], [true, 1]]);
      const refused = await store.consumeAll([windowA, bucketB], ['k', 'k'], 2, now);
      // The bucket refuses, so the window is not charged: it reports its state as it stands.
      assertThat(refused.map((d) => [d.allowed, d.remaining])).toEqual([[true, 3], [false, 1]]);
      assertThat(refused[1]!.retryAfterMs).toBe(60_000);
      assertThat(await store.consume(windowA, 'k', 3, now)).toMatchObject({ allowed: true, remaining: 0 });
    },
  },
  {
    name: 'consumeAll keeps keys apart and answers in the order asked',
    async run({ store, at }) {
      const now = at(0);
      const decisions = await store.consumeAll([bucketB, windowA], ['one', 'two'], 1, now);
      assertThat(decisions.map((d) => [d.limit, d.remaining])).toEqual([[3, 2], [5, 4]]);
      assertThat(await store.peek(windowA, 'one', now)).toMatchObject({ remaining: 5 });
      assertThat(await store.peek(bucketB, 'two', now)).toMatchObject({ remaining: 3 });
    },
  },
  {
    name: 'many concurrent consumeAll calls never admit more than the tightest limit',
    async run({ store, concurrency, at }) {
      const now = at(0);
      const results = await Promise.all(Array.from({ length: concurrency }, () => store.consumeAll([windowA, bucketB], ['hot', 'hot'], 1, now)));
      assertThat(results.filter((decisions) => decisions.every((d) => d.allowed))).toHaveLength(3);
      assertThat(await store.peek(windowA, 'hot', now)).toMatchObject({ remaining: 2 });
    },
  },
  {
    name: 'periods longer than 24.8 days: a 40-day GCRA period and a 30-day bucket',
    async run({ consume, peek, start }) {
      const gcra: LimitSpec = { id: 'conformance:long-gcra', algorithm: 'gcra', limit: 1, periodMs: 40 * day, burst: 1 };
      const bucket: LimitSpec = { id: 'conformance:long-bucket', algorithm: 'token-bucket', capacity: 1, refillRate: 1, refillIntervalMs: 30 * day };
      assertThat(await consume(gcra, 'k', 1, 0)).toMatchObject({ allowed: true, resetAt: start + 40 * day });
      assertThat(await consume(bucket, 'k', 1, 0)).toMatchObject({ allowed: true, resetAt: start + 30 * day });
      assertThat(await consume(gcra, 'k', 1, 25 * day)).toMatchObject({ allowed: false, retryAfterMs: 15 * day });
      assertThat(await consume(bucket, 'k', 1, 25 * day)).toMatchObject({ allowed: false, retryAfterMs: 5 * day });
      assertThat(await peek(bucket, 'k', 30 * day - 1)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      assertThat(await consume(bucket, 'k', 1, 30 * day)).toMatchObject({ allowed: true });
      assertThat(await consume(gcra, 'k', 1, 40 * day)).toMatchObject({ allowed: true });
    },
  },
  {
    name: 'a 30-day fixed window and a 31-day calendar window keep their counts to the end',
    async run({ consume, start }) {
      const window: LimitSpec = { id: 'conformance:long-window', algorithm: 'fixed-window', limit: 1, windowMs: 30 * day };
      const calendar: LimitSpec = { id: 'conformance:long-calendar', algorithm: 'calendar-window', limit: 1, windowStart: start, windowEnd: start + 31 * day };
      const first = await consume(window, 'k', 1, 0);
      const end = first.resetAt - start;
      assertThat(end % day).toBe(0);
      assertThat(await consume(window, 'k', 1, end - 1)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      assertThat(await consume(window, 'k', 1, end)).toMatchObject({ allowed: true });
      assertThat(await consume(calendar, 'k', 1, 0)).toMatchObject({ allowed: true, resetAt: start + 31 * day });
      assertThat(await consume(calendar, 'k', 1, 30 * day)).toMatchObject({ allowed: false, retryAfterMs: day });
    },
  },
];
