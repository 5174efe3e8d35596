import type { Permit } from '../policy/admission.js';
import type { RateLimitDecision } from './decision.js';

/**
 * A rate limit's {@link Permit}. A rate limit counts calls when it admits them, so settling records
 * nothing; it only marks the permit settled, once.
 */
export class RateLimitPermit implements Permit {
  readonly admitted = true as const;
  readonly policy: string;
  /** The most restrictive limit's decision; undefined for an allow-listed input (nothing was asked). */
  readonly decision: RateLimitDecision | undefined;
  /** Every limit's decision, in the order of `limits` (empty for an allow-listed input). */
  readonly decisions: readonly RateLimitDecision[];
  /** True when a limit refused the call and shadow mode let it through. */
  readonly shadowed: boolean;
  #settled = false;

  constructor(policy: string, decisions: readonly RateLimitDecision[], index: number, shadowed: boolean) {
    this.policy = policy;
    this.decisions = decisions;
    this.decision = decisions[index];
    this.shadowed = shadowed;
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
