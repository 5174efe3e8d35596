import type { CalendarWindowSpec } from '../store/limit-spec.js';
import { calendarWindow, type QuotaPeriod } from './calendar.js';

const periods: readonly QuotaPeriod[] = ['hour', 'day', 'week', 'month'];

/**
 * A quota's calendar windows at the current instant, as store specs. Bounds are computed with the
 * time zone's rules only when a window rolls over, so a call normally costs one comparison per window
 * and no allocation.
 */
export class CalendarWindows {
  readonly periods: readonly QuotaPeriod[];
  readonly #policy: string;
  readonly #limits: readonly number[];
  readonly #timeZone: string;
  readonly #weekStartsOn: number;
  #specs: readonly CalendarWindowSpec[] = [];
  #validFrom = Number.POSITIVE_INFINITY;
  #validUntil = Number.NEGATIVE_INFINITY;

  constructor(policy: string, limits: Readonly<Partial<Record<QuotaPeriod, number | undefined>>>, timeZone: string, weekStartsOn: number) {
    this.#policy = policy;
    this.periods = periods.filter((period) => limits[period] !== undefined);
    this.#limits = this.periods.map((period) => limits[period] as number);
    this.#timeZone = timeZone;
    this.#weekStartsOn = weekStartsOn;
  }

  /** One spec per configured period, for the windows containing `now`. */
  specsAt(now: number): readonly CalendarWindowSpec[] {
    if (now >= this.#validFrom && now < this.#validUntil) return this.#specs;
    const specs = this.periods.map((period, i) => {
      const { start, end } = calendarWindow(period, now, this.#timeZone, this.#weekStartsOn);
      const spec: CalendarWindowSpec = { id: `${this.#policy}:${period}`, algorithm: 'calendar-window', limit: this.#limits[i] as number, windowStart: start, windowEnd: end };
      return Object.freeze(spec);
    });
    this.#specs = Object.freeze(specs);
    this.#validFrom = Math.max(...specs.map((spec) => spec.windowStart));
    this.#validUntil = Math.min(...specs.map((spec) => spec.windowEnd));
    return this.#specs;
  }
}
