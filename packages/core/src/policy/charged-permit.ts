import type { Permit } from './admission.js';

/**
 * A {@link Permit} for a policy that counts a call when it admits it (rate limits, quotas): settling
 * records nothing and only marks the permit settled, once.
 */
export class ChargedPermit implements Permit {
  readonly admitted = true as const;
  readonly policy: string;
  #settled = false;

  constructor(policy: string) {
    this.policy = policy;
  }

  get settled(): boolean {
    return this.#settled;
  }

  success(_result?: unknown): void {
    this.#settled = true;
  }

  failure(_error?: unknown): void {
    this.#settled = true;
  }

  release(): void {
    this.#settled = true;
  }
}
