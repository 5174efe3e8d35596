import type { ProbeLease } from '@breakwater/core';

/** A half-open probe slot held in Redis: its id in the leases set and its deadline (local clock). */
export class SharedLease implements ProbeLease {
  readonly id: number;
  readonly deadline: number;

  constructor(id: number, deadline: number) {
    this.id = id;
    this.deadline = deadline;
  }
}
