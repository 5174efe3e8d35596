import { instantiateError } from '../errors/breakwater-error.js';
import { ErrorCode } from '../errors/codes.js';
import { QuotaExceededError } from '../errors/quota-exceeded-error.js';
import { ChargedPermit } from '../policy/charged-permit.js';
import { LazyRejection } from '../policy/lazy-rejection.js';
import type { QuotaDecision } from './decision.js';

/** A quota's {@link Permit}: the cost was charged when it was issued, so settling records nothing. */
export class QuotaPermit extends ChargedPermit {
  /** The most restrictive window's decision (the fewest remaining). */
  readonly decision: QuotaDecision;
  /** Every window's decision, in the order hour, day, week, month. */
  readonly decisions: readonly QuotaDecision[];

  constructor(policy: string, decisions: readonly QuotaDecision[], index: number) {
    super(policy);
    this.decisions = decisions;
    this.decision = decisions[index] as QuotaDecision;
  }
}

/** A quota's {@link Rejection}; its error is built on first read, without a stack trace. */
export class QuotaRejection extends LazyRejection<QuotaExceededError> {
  readonly code = ErrorCode.QuotaExceeded;
  /** The exhausted window's decision (the latest to reset, when several are). */
  readonly decision: QuotaDecision;
  /** Every window's decision, in the order hour, day, week, month. */
  readonly decisions: readonly QuotaDecision[];

  constructor(policy: string, decisions: readonly QuotaDecision[], index: number) {
    const decision = decisions[index] as QuotaDecision;
    super(policy, decision.retryAfterMs);
    this.decisions = decisions;
    this.decision = decision;
  }

  protected createError(): QuotaExceededError {
    return createQuotaExceededError(this.policy, this.decision);
  }
}

/** A {@link QuotaExceededError} built without its constructor (no stack, lazy message). */
export function createQuotaExceededError(policy: string, decision: QuotaDecision): QuotaExceededError {
  const { retryAfterMs, resetAt } = decision;
  return instantiateError(QuotaExceededError, { code: ErrorCode.QuotaExceeded, policy, retryAfterMs, resetAt, decision });
}
