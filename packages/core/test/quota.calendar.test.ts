import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarWindow, type QuotaPeriod } from '../src/index.js';
import { localTime } from '../src/quota/time-zone.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000', '');
const windowOf = (period: QuotaPeriod, at: string, zone: string, weekStartsOn = 1): [string, string, number] => {
  const { start, end } = calendarWindow(period, Date.parse(at), zone, weekStartsOn);
  return [iso(start), iso(end), (end - start) / 3_600_000];
};

describe('calendar windows in America/New_York', () => {
  const ny = 'America/New_York';

  it('the spring-forward day (2024-03-10) lasts 23 hours; its hours run on without a gap', () => {
    expect(windowOf('day', '2024-03-10T12:00:00Z', ny)).toEqual(['2024-03-10T05:00:00Z', '2024-03-11T04:00:00Z', 23]);
    expect(windowOf('hour', '2024-03-10T06:59:59Z', ny)).toEqual(['2024-03-10T06:00:00Z', '2024-03-10T07:00:00Z', 1]); // 01:00-02:00 EST
    expect(windowOf('hour', '2024-03-10T07:00:00Z', ny)).toEqual(['2024-03-10T07:00:00Z', '2024-03-10T08:00:00Z', 1]); // 03:00-04:00 EDT
    expect(windowOf('day', '2024-03-10T04:59:59Z', ny)).toEqual(['2024-03-09T05:00:00Z', '2024-03-10T05:00:00Z', 24]);
  });

  it('the fall-back day (2024-11-03) lasts 25 hours; the repeated 01:00 hour is two windows', () => {
    expect(windowOf('day', '2024-11-03T12:00:00Z', ny)).toEqual(['2024-11-03T04:00:00Z', '2024-11-04T05:00:00Z', 25]);
    expect(windowOf('hour', '2024-11-03T05:30:00Z', ny)).toEqual(['2024-11-03T05:00:00Z', '2024-11-03T06:00:00Z', 1]); // 01:30 EDT
    expect(windowOf('hour', '2024-11-03T06:30:00Z', ny)).toEqual(['2024-11-03T06:00:00Z', '2024-11-03T07:00:00Z', 1]); // 01:30 EST
  });

  it('weeks and months that contain a DST change are an hour short or long', () => {
    expect(windowOf('week', '2024-03-10T12:00:00Z', ny)).toEqual(['2024-03-04T05:00:00Z', '2024-03-11T04:00:00Z', 167]);
    expect(windowOf('week', '2024-03-10T12:00:00Z', ny, 0)).toEqual(['2024-03-10T05:00:00Z', '2024-03-17T04:00:00Z', 167]);
    expect(windowOf('month', '2024-03-31T12:00:00Z', ny)).toEqual(['2024-03-01T05:00:00Z', '2024-04-01T04:00:00Z', 743]);
    expect(windowOf('month', '2024-11-15T12:00:00Z', ny)).toEqual(['2024-11-01T04:00:00Z', '2024-12-01T05:00:00Z', 721]);
  });

  it('month ends: the last instant of January is January; February 2024 has 29 days; December rolls the year', () => {
    expect(windowOf('month', '2024-02-01T04:59:59Z', ny)).toEqual(['2024-01-01T05:00:00Z', '2024-02-01T05:00:00Z', 744]);
    expect(windowOf('month', '2024-02-01T05:00:00Z', ny)).toEqual(['2024-02-01T05:00:00Z', '2024-03-01T05:00:00Z', 29 * 24]);
    expect(windowOf('month', '2023-02-15T05:00:00Z', ny)).toEqual(['2023-02-01T05:00:00Z', '2023-03-01T05:00:00Z', 28 * 24]);
    expect(windowOf('month', '2024-12-31T23:00:00Z', ny)).toEqual(['2024-12-01T05:00:00Z', '2025-01-01T05:00:00Z', 744]);
    expect(windowOf('day', '2024-12-31T23:00:00Z', ny)).toEqual(['2024-12-31T05:00:00Z', '2025-01-01T05:00:00Z', 24]);
  });
});

describe('calendar windows in Europe/Berlin', () => {
  const berlin = 'Europe/Berlin';

  it('the spring-forward day (2024-03-31) lasts 23 hours', () => {
    expect(windowOf('day', '2024-03-31T12:00:00Z', berlin)).toEqual(['2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z', 23]);
    expect(windowOf('hour', '2024-03-31T00:59:59Z', berlin)).toEqual(['2024-03-31T00:00:00Z', '2024-03-31T01:00:00Z', 1]); // 01:00-02:00 CET
    expect(windowOf('hour', '2024-03-31T01:00:00Z', berlin)).toEqual(['2024-03-31T01:00:00Z', '2024-03-31T02:00:00Z', 1]); // 03:00-04:00 CEST
  });

  it('the fall-back day (2024-10-27) lasts 25 hours; the repeated 02:00 hour is two windows', () => {
    expect(windowOf('day', '2024-10-27T12:00:00Z', berlin)).toEqual(['2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z', 25]);
    expect(windowOf('hour', '2024-10-27T00:30:00Z', berlin)).toEqual(['2024-10-27T00:00:00Z', '2024-10-27T01:00:00Z', 1]); // 02:30 CEST
    expect(windowOf('hour', '2024-10-27T01:30:00Z', berlin)).toEqual(['2024-10-27T01:00:00Z', '2024-10-27T02:00:00Z', 1]); // 02:30 CET
  });

  it('weeks (Monday first) and months across the changes', () => {
    expect(windowOf('week', '2024-10-27T12:00:00Z', berlin)).toEqual(['2024-10-20T22:00:00Z', '2024-10-27T23:00:00Z', 169]);
    expect(windowOf('month', '2024-03-15T12:00:00Z', berlin)).toEqual(['2024-02-29T23:00:00Z', '2024-03-31T22:00:00Z', 743]);
    expect(windowOf('month', '2024-01-31T22:59:59Z', berlin)).toEqual(['2023-12-31T23:00:00Z', '2024-01-31T23:00:00Z', 744]);
    expect(windowOf('month', '2024-01-31T23:00:00Z', berlin)).toEqual(['2024-01-31T23:00:00Z', '2024-02-29T23:00:00Z', 29 * 24]);
  });
});

describe('calendar windows elsewhere', () => {
  it('UTC days, weeks and months are plain', () => {
    expect(windowOf('day', '2024-06-15T10:00:00Z', 'UTC')).toEqual(['2024-06-15T00:00:00Z', '2024-06-16T00:00:00Z', 24]);
    expect(windowOf('week', '2024-06-15T10:00:00Z', 'UTC', 6)).toEqual(['2024-06-15T00:00:00Z', '2024-06-22T00:00:00Z', 168]);
  });

  it('a zone with a half-hour offset starts its hours at :30 UTC (Asia/Kolkata)', () => {
    expect(windowOf('hour', '2024-01-01T00:45:00Z', 'Asia/Kolkata')).toEqual(['2024-01-01T00:30:00Z', '2024-01-01T01:30:00Z', 1]);
    expect(windowOf('day', '2024-01-01T00:45:00Z', 'Asia/Kolkata')).toEqual(['2023-12-31T18:30:00Z', '2024-01-01T18:30:00Z', 24]);
  });

  it('a day whose midnight is skipped starts at the jump (America/Santiago, 2024-09-08)', () => {
    expect(windowOf('day', '2024-09-08T12:00:00Z', 'America/Santiago')).toEqual(['2024-09-08T04:00:00Z', '2024-09-09T03:00:00Z', 23]);
    expect(windowOf('day', '2024-09-08T03:59:59Z', 'America/Santiago')).toEqual(['2024-09-07T04:00:00Z', '2024-09-08T04:00:00Z', 24]);
  });

  it('for any instant and zone, the window holds it, starts at local midnight, and the next one starts where it ends', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Auckland', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(...zones),
        fc.constantFrom<QuotaPeriod>('hour', 'day', 'week', 'month'),
        fc.integer({ min: 0, max: 6 }),
        (t, zone, period, weekStartsOn) => {
          const window = calendarWindow(period, t, zone, weekStartsOn);
          expect(window.start).toBeLessThanOrEqual(t);
          expect(window.end).toBeGreaterThan(t);
          expect(calendarWindow(period, window.end, zone, weekStartsOn).start).toBe(window.end);
          expect(calendarWindow(period, window.end - 1, zone, weekStartsOn)).toEqual(window);
          const local = localTime(window.start, zone);
          expect([local.minute, local.second]).toEqual([0, 0]);
          if (period !== 'hour') expect(local.hour).toBe(0);
          if (period === 'month') expect(local.day).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
