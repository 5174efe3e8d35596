import type { RateLimitDecision } from '../rate-limit/decision.js';
import { BreakwaterError, nameErrorClass } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * Why a rate limit turned a call away: a limit refused it (`limited`), the input is on the deny list
 * (`denied`), the delay queue was full (`queue-full`), capacity did not come back within `maxWait`
 * (`wait-exceeded`), or the policy was closed while the call waited (`closed`).
 */
export type RateLimitRejectionReason = 'limited' | 'denied' | 'queue-full' | 'wait-exceeded' | 'closed';

/**
 * A rate limit turned the call away. Carries the decision of the most restrictive limit, never HTTP.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof RateLimitedError) res.status(429).set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
 * }
 * ```
 */
export class RateLimitedError extends BreakwaterError {
  readonly reason: RateLimitRejectionReason;
  /**
   * Milliseconds until a retry may be admitted; 0 for `denied` and `closed`, where waiting does not
   * help.
   */
  readonly retryAfterMs: number;
  /** The most restrictive limit's decision, when a limit was asked (not for `denied`). */
  readonly decision: RateLimitDecision | undefined;

  constructor(policy: string, reason: RateLimitRejectionReason, retryAfterMs: number, decision?: RateLimitDecision) {
    super(ErrorCode.RateLimited, describeRefusal(policy, reason, retryAfterMs, decision), { policy });
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
    this.decision = decision;
  }

  protected override describe(): string {
    return describeRefusal(this.policy ?? '', this.reason, this.retryAfterMs, this.decision);
  }
}
nameErrorClass(RateLimitedError);

function describeRefusal(
  policy: string,
  reason: RateLimitRejectionReason,
  retryAfterMs: number,
  decision: RateLimitDecision | undefined,
): string {
  return `Rate limit "${policy}" ${describeReason(reason, decision)}; retry in ${retryAfterMs} ms`;
}

function describeReason(reason: RateLimitRejectionReason, decision: RateLimitDecision | undefined): string {
  const limit = decision ? ` (limit "${decision.name}")` : '';
  switch (reason) {
    case 'limited':
      return `refused the call${limit}`;
    case 'denied':
      return 'refused the call: the input is on the deny list';
    case 'queue-full':
      return `refused the call: the delay queue is full${limit}`;
    case 'wait-exceeded':
      return `refused the call: no capacity within maxWait${limit}`;
    case 'closed':
      return 'was closed while the call waited';
  }
}
