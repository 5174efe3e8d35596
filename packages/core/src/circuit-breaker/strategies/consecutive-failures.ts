import { Outcome, type OutcomeFlags, type WindowFigures } from '../outcome.js';
import type { TripStrategy, TripStrategyState } from './trip-strategy.js';

/** Trips after `threshold` failures in a row; any success starts the count again. */
export class ConsecutiveFailuresStrategy implements TripStrategy {
  readonly condition = 'consecutiveFailures' as const;
  readonly needsTime = false;
  readonly #threshold: number;
  #failuresInRow = 0;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  get failuresInRow(): number {
    return this.#failuresInRow;
  }

  record(flags: OutcomeFlags): boolean {
    if ((flags & Outcome.Failure) === 0) {
      this.#failuresInRow = 0;
      return false;
    }
    return ++this.#failuresInRow >= this.#threshold;
  }

  describe(): string {
    return `${this.#failuresInRow} consecutive failures (threshold ${this.#threshold})`;
  }

  figures(): WindowFigures | undefined {
    return undefined;
  }

  reset(): void {
    this.#failuresInRow = 0;
  }

  toJSON(): TripStrategyState {
    return { condition: this.condition, data: [this.#failuresInRow] };
  }

  restore(state: TripStrategyState): boolean {
    const [count] = state.data;
    if (state.condition !== this.condition || !isCount(count)) return false;
    this.#failuresInRow = count;
    return true;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
