import type { OutcomeFlags } from '@breakwater/core';

/**
 * Closed-state outcomes waiting to be sent, in order and run-length encoded (`"0:120 1:3 0:4"`):
 * recording one is a comparison and an increment, and a healthy batch of any size is one run.
 */
export class OutcomeBatch {
  /** The epoch the batch's calls were admitted in; -1 while empty. */
  epoch = -1;
  /** Failed or slow outcomes in the batch (the ones that can trip the breaker). */
  flagged = 0;
  #flags: number[] = [];
  #counts: number[] = [];
  #last = -1;

  get empty(): boolean {
    return this.#last < 0;
  }

  /** Adds one outcome of a call admitted in `epoch` (the caller starts a new batch when the epoch moves). */
  push(epoch: number, flags: OutcomeFlags): void {
    if (flags !== 0) this.flagged++;
    const last = this.#last;
    if (last >= 0 && this.#flags[last] === flags) {
      this.#counts[last]! += 1;
      return;
    }
    this.epoch = epoch;
    this.#flags.push(flags);
    this.#counts.push(1);
    this.#last = last + 1;
  }

  /** The runs as the record script reads them, and empties the batch. */
  take(): string {
    let out = '';
    for (let i = 0; i <= this.#last; i++) out += `${i === 0 ? '' : ' '}${this.#flags[i]}:${this.#counts[i]}`;
    this.clear();
    return out;
  }

  clear(): void {
    this.#flags = [];
    this.#counts = [];
    this.#last = -1;
    this.flagged = 0;
    this.epoch = -1;
  }
}
