import type { Permit } from '../policy/admission.js';

/** A bulkhead's {@link Permit}: holds one slot and gives it back exactly once, however the call ended. */
export class BulkheadPermit implements Permit {
  readonly admitted = true as const;
  readonly policy: string;
  #release: (() => void) | undefined;

  constructor(policy: string, release: () => void) {
    this.policy = policy;
    this.#release = release;
  }

  get settled(): boolean {
    return this.#release === undefined;
  }

  /** The call succeeded: the slot is freed (a bulkhead does not judge outcomes). */
  success(): void {
    this.release();
  }

  /** The call failed: the slot is freed. */
  failure(): void {
    this.release();
  }

  release(): void {
    const release = this.#release;
    if (release === undefined) return;
    this.#release = undefined;
    release();
  }
}
