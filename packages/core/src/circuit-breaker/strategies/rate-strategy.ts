import { Outcome, type OutcomeFlags, type WindowFigures } from '../outcome.js';
import type { ResolvedWindow } from '../options-schema.js';
import { CountWindow } from '../windows/count-window.js';
import { TimeWindow } from '../windows/time-window.js';
import type { TripStrategy, TripStrategyState } from './trip-strategy.js';

type Window = CountWindow | TimeWindow;

/** Which outcome flag a rate strategy measures. */
export type RateCondition = 'failureRate' | 'slowCallRate';

/**
 * Trips when the share of calls carrying one flag (failure or slow) reaches `threshold`, once the
 * window holds at least `minimumCalls` calls. Serves both the failure-rate and slow-call-rate conditions.
 */
export class RateStrategy implements TripStrategy {
  readonly condition: RateCondition;
  readonly needsTime: boolean;
  readonly #flag: OutcomeFlags;
  readonly #threshold: number;
  readonly #minimumCalls: number;
  readonly #window: Window;

  constructor(condition: RateCondition, spec: { threshold: number; minimumCalls: number; window: ResolvedWindow }) {
    this.condition = condition;
    this.#flag = condition === 'failureRate' ? Outcome.Failure : Outcome.Slow;
    this.#threshold = spec.threshold;
    this.#minimumCalls = spec.minimumCalls;
    this.#window =
      spec.window.type === 'count' ? new CountWindow(spec.window.size) : new TimeWindow(spec.window.duration, spec.window.buckets);
    this.needsTime = this.#window.needsTime;
  }

  record(flags: OutcomeFlags, nowMs: number): boolean {
    const window = this.#window;
    window.record(flags, nowMs);
    const calls = window.calls;
    // Only a call carrying the flag can raise the rate, so the check is skipped otherwise.
    return (
      (flags & this.#flag) !== 0 && calls > 0 && calls >= this.#minimumCalls && window.count(this.#flag) >= this.#threshold * calls
    );
  }

  describe(nowMs: number): string {
    const { calls } = this.#window.figures(nowMs);
    const rate = calls === 0 ? 0 : this.#window.count(this.#flag) / calls;
    const what = this.condition === 'failureRate' ? 'failure rate' : 'slow-call rate';
    return `${what} ${formatPercent(rate)} over ${calls} calls (threshold ${formatPercent(this.#threshold)})`;
  }

  figures(nowMs: number): WindowFigures {
    return this.#window.figures(nowMs);
  }

  reset(): void {
    this.#window.reset();
  }

  toJSON(): TripStrategyState {
    return { condition: this.condition, window: this.#window.shape, data: this.#window.toJSON() };
  }

  restore(state: TripStrategyState): boolean {
    return state.condition === this.condition && state.window === this.#window.shape && this.#window.restore(state.data);
  }
}

function formatPercent(rate: number): string {
  return `${Math.round(rate * 1000) / 10} %`;
}
