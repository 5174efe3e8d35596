import { instantOf, localTime, offsetAt } from './time-zone.js';

/** A calendar period a quota counts over. */
export type QuotaPeriod = 'hour' | 'day' | 'week' | 'month';

/** One calendar window: `[start, end)` in epoch ms. */
export interface CalendarWindow {
  readonly start: number;
  readonly end: number;
}

const hourMs = 3_600_000;

/**
 * The window of `period` that contains instant `t`, on the calendar of `timeZone`:
 * - `hour`: from a local `:00` to the next (an hour of elapsed time, so each pass through a repeated
 *   local hour on a fall-back night is a window of its own);
 * - `day`: from local midnight to the next local midnight (23 or 25 hours across a DST change; when
 *   midnight is skipped, the day starts at the jump);
 * - `week`: from local midnight of the last `weekStartsOn` day (0 = Sunday) to seven local days later;
 * - `month`: from local midnight of the 1st to local midnight of the next month's 1st.
 *
 * @example
 * ```ts
 * calendarWindow('day', Date.parse('2024-03-10T12:00:00Z'), 'America/New_York', 1);
 * // { start: 2024-03-10T05:00Z, end: 2024-03-11T04:00Z } — a 23-hour day
 * ```
 */
export function calendarWindow(period: QuotaPeriod, t: number, timeZone: string, weekStartsOn: number): CalendarWindow {
  if (period === 'hour') {
    const sinceHour = (((t + offsetAt(t, timeZone)) % hourMs) + hourMs) % hourMs;
    return { start: t - sinceHour, end: t - sinceHour + hourMs };
  }
  let window = localWindow(period, t, timeZone, weekStartsOn);
  // A fall-back across midnight shows the previous date again after the day has ended: count such
  // instants in the later window.
  for (let i = 0; i < 2 && window.end <= t; i++) window = localWindow(period, window.end, timeZone, weekStartsOn);
  return window;
}

function localWindow(period: Exclude<QuotaPeriod, 'hour'>, t: number, timeZone: string, weekStartsOn: number): CalendarWindow {
  const { year, month, day } = localTime(t, timeZone);
  if (period === 'month') return { start: instantOf(timeZone, year, month, 1), end: instantOf(timeZone, year, month + 1, 1) };
  if (period === 'day') return { start: instantOf(timeZone, year, month, day), end: instantOf(timeZone, year, month, day + 1) };
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const first = day - ((weekday - weekStartsOn + 7) % 7);
  return { start: instantOf(timeZone, year, month, first), end: instantOf(timeZone, year, month, first + 7) };
}
