import { ChargedPermit } from '../policy/charged-permit.js';
import type { RateLimitDecision } from './decision.js';

/**
 * A rate limit's {@link Permit}. A rate limit counts calls when it admits them, so settling records
 * nothing; it only marks the permit settled, once.
 */
export class RateLimitPermit extends ChargedPermit {
  /** The most restrictive limit's decision; undefined for an allow-listed input (nothing was asked). */
  readonly decision: RateLimitDecision | undefined;
  /** Every limit's decision, in the order of `limits` (empty for an allow-listed input). */
  readonly decisions: readonly RateLimitDecision[];
  /** True when a limit refused the call and shadow mode let it through. */
  readonly shadowed: boolean;

  constructor(policy: string, decisions: readonly RateLimitDecision[], index: number, shadowed: boolean) {
    super(policy);
    this.decisions = decisions;
    this.decision = decisions[index];
    this.shadowed = shadowed;
  }
}
