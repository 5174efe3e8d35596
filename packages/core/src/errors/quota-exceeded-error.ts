import type { QuotaDecision } from '../quota/decision.js';
import { BreakwaterError, nameErrorClass } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

const adjectives = { hour: 'hourly', day: 'daily', week: 'weekly', month: 'monthly' } as const;

/**
 * A calendar quota is used up for this key: the call was turned away until the window resets.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof QuotaExceededError) reply(429, `daily quota used up; resets at ${new Date(error.resetAt).toISOString()}`);
 * }
 * ```
 */
export class QuotaExceededError extends BreakwaterError {
  /** Milliseconds until the exhausted window resets. */
  readonly retryAfterMs: number;
  /** Epoch ms at which the exhausted window resets. */
  readonly resetAt: number;
  /** The decision of the exhausted window (the most restrictive one). */
  readonly decision: QuotaDecision;

  constructor(policy: string, decision: QuotaDecision) {
    super(ErrorCode.QuotaExceeded, describeExhaustion(policy, decision), { policy });
    this.retryAfterMs = decision.retryAfterMs;
    this.resetAt = decision.resetAt;
    this.decision = decision;
  }

  protected override describe(): string {
    return describeExhaustion(this.policy ?? '', this.decision);
  }
}
nameErrorClass(QuotaExceededError);

function describeExhaustion(policy: string, decision: QuotaDecision): string {
  return `Quota "${policy}": the ${adjectives[decision.period]} quota of ${decision.limit} is used up; retry in ${decision.retryAfterMs} ms`;
}
