import { instantiateError } from '../errors/breakwater-error.js';
import { ErrorCode } from '../errors/codes.js';
import { QuotaExceededError } from '../errors/quota-exceeded-error.js';
import type { Permit, Rejection } from '../policy/admission.js';
import type { QuotaDecision } from './decision.js';

/** A quota's {@link Permit}: the cost was charged when it was issued, so settling records nothing. */
export class QuotaPermit implements Permit {
  readonly admitted = true as const;
  readonly policy: string;
  /** The most restrictive window's decision (the fewest remaining). */
  readonly decision: QuotaDecision;
  /** Every window's decision, in the order hour, day, week, month. */
  readonly decisions: readonly QuotaDecision[];
  #settled = false;

  constructor(policy: string, decisions: readonly QuotaDecision[], index: number) {
    this.policy = policy;
    this.decisions = decisions;
    this.decision = decisions[index] as QuotaDecision;
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

/** A quota's {@link Rejection}; its error is built on first read, without a stack trace. */
export class QuotaRejection implements Rejection {
  readonly admitted = false as const;
  readonly code = ErrorCode.QuotaExceeded;
  readonly policy: string;
  readonly retryAfterMs: number;
  /** The exhausted window's decision (the latest to reset, when several are). */
  readonly decision: QuotaDecision;
  /** Every window's decision, in the order hour, day, week, month. */
  readonly decisions: readonly QuotaDecision[];
  #error: QuotaExceededError | undefined;

  constructor(policy: string, decisions: readonly QuotaDecision[], index: number) {
    this.policy = policy;
    this.decisions = decisions;
    this.decision = decisions[index] as QuotaDecision;
    this.retryAfterMs = this.decision.retryAfterMs;
  }

  get error(): QuotaExceededError {
    this.#error ??= createQuotaExceededError(this.policy, this.decision);
    return this.#error;
  }
}

/** A {@link QuotaExceededError} built without its constructor (no stack, lazy message). */
export function createQuotaExceededError(policy: string, decision: QuotaDecision): QuotaExceededError {
  const { retryAfterMs, resetAt } = decision;
  return instantiateError(QuotaExceededError, { code: ErrorCode.QuotaExceeded, policy, retryAfterMs, resetAt, decision });
}
