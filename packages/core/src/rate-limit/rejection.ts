import { instantiateError } from '../errors/breakwater-error.js';
import { ErrorCode } from '../errors/codes.js';
import { RateLimitedError, type RateLimitRejectionReason } from '../errors/rate-limited-error.js';
import { LazyRejection } from '../policy/lazy-rejection.js';
import type { RateLimitDecision } from './decision.js';

/** A rate limit's {@link Rejection}; its error is built on first read, without a stack trace. */
export class RateLimitRejection extends LazyRejection<RateLimitedError> {
  readonly code = ErrorCode.RateLimited;
  readonly reason: RateLimitRejectionReason;
  /** The most restrictive limit's decision, when a limit was asked. */
  readonly decision: RateLimitDecision | undefined;
  /** Every limit's decision, in the order of `limits` (empty when no limit was asked). */
  readonly decisions: readonly RateLimitDecision[];

  constructor(policy: string, reason: RateLimitRejectionReason, retryAfterMs: number, decisions: readonly RateLimitDecision[], index: number) {
    super(policy, retryAfterMs);
    this.reason = reason;
    this.decisions = decisions;
    this.decision = decisions[index];
  }

  protected createError(): RateLimitedError {
    return createRateLimitedError(this.policy, this.reason, this.retryAfterMs, this.decision);
  }
}

/** A {@link RateLimitedError} built without its constructor (no stack, lazy message): refusals are control flow on a hot path. */
export function createRateLimitedError(
  policy: string,
  reason: RateLimitRejectionReason,
  retryAfterMs: number,
  decision: RateLimitDecision | undefined,
): RateLimitedError {
  return instantiateError(RateLimitedError, { code: ErrorCode.RateLimited, policy, reason, retryAfterMs, decision });
}
