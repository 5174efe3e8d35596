/** Local wall-clock fields of an instant in a time zone. */
export interface LocalTime {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter per zone: building one costs tens of microseconds. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `timeZone` as an IANA time zone (or `UTC`). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The runtime's canonical spelling of a known zone (`europe/berlin` -> `Europe/Berlin`). */
export function canonicalTimeZone(timeZone: string): string {
  return formatterFor(timeZone).resolvedOptions().timeZone;
}

/** The wall-clock time at instant `t` (epoch ms) in `timeZone`. */
export function localTime(t: number, timeZone: string): LocalTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(t)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year as number,
    month: fields.month as number,
    day: fields.day as number,
    hour: fields.hour as number,
    minute: fields.minute as number,
    second: fields.second as number,
  };
}

/** The zone's offset from UTC at instant `t`, in ms (local = UTC + offset). */
export function offsetAt(t: number, timeZone: string): number {
  const local = localTime(t, timeZone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The first instant at which the wall clock in `timeZone` reads at least the given local time (month
 * and day may overflow, as with `Date.UTC`). A time the clock shows twice (a fall-back overlap) gives
 * the earlier instant; a time it skips (a spring-forward gap) gives the instant of the jump.
 */
export function instantOf(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const early = wall - offsetAt(wall - 86_400_000, timeZone);
  const late = wall - offsetAt(wall + 86_400_000, timeZone);
  const first = Math.min(early, late);
  if (wallAt(first, timeZone) === wall) return first;
  const second = Math.max(early, late);
  if (wallAt(second, timeZone) === wall) return second;
  return firstInstantReaching(wall, first, second, timeZone);
}

function wallAt(t: number, timeZone: string): number {
  return t + offsetAt(t, timeZone);
}

/** Binary search, to the second, for the first instant in [from, to] whose wall time is >= `wall`. */
function firstInstantReaching(wall: number, from: number, to: number, timeZone: string): number {
  let low = Math.floor(from / 1000);
  let high = Math.ceil(to / 1000);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (wallAt(middle * 1000, timeZone) >= wall) high = middle;
    else low = middle + 1;
  }
  return high * 1000;
}
