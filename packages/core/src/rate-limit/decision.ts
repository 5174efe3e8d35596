import type { Decision } from '../store/decision.js';

/**
 * A rate limit's decision for one limit: the store's {@link Decision} plus which policy, limit and
 * key it is about.
 *
 * @example
 * ```ts
 * const admission = await limiter.acquire(req);
 * const { limit, remaining, resetAt } = admission.decision ?? {};
 * ```
 */
export interface RateLimitDecision extends Decision {
  /** The policy's name. */
  readonly policy: string;
  /** The limit's name. */
  readonly name: string;
  /** The key counted (`*` for a global limit). */
  readonly key: string;
}

/** The key of a global limit: every input shares it. */
export const globalKey = '*';

/**
 * The decisions of every limit for one call, and which one is the most restrictive. Built only when
 * a call needs more than "allowed" (a permit, a refusal, a listener).
 */
export class Judgement {
  readonly keys: readonly string[];
  readonly decisions: readonly Decision[];
  /** Index of the most restrictive decision. */
  readonly index: number;
  /** The instant (epoch ms, the policy's clock) the store decided at. */
  readonly decidedAt: number;

  constructor(keys: readonly string[], decisions: readonly Decision[], decidedAt: number) {
    this.keys = keys;
    this.decisions = decisions;
    this.index = mostRestrictive(decisions);
    this.decidedAt = decidedAt;
  }

  get decision(): Decision {
    return this.decisions[this.index] as Decision;
  }

  get allowed(): boolean {
    return this.decision.allowed;
  }
}

/**
 * The most restrictive of several decisions: a refusal over an admission; among refusals the longest
 * `retryAfterMs`; among admissions the fewest `remaining`, then the latest `resetAt`.
 */
export function mostRestrictive(decisions: readonly Decision[]): number {
  let best = 0;
  for (let i = 1; i < decisions.length; i++) if (isMoreRestrictive(decisions[i] as Decision, decisions[best] as Decision)) best = i;
  return best;
}

function isMoreRestrictive(a: Decision, b: Decision): boolean {
  if (a.allowed !== b.allowed) return !a.allowed;
  if (!a.allowed) return a.retryAfterMs > b.retryAfterMs;
  return a.remaining < b.remaining || (a.remaining === b.remaining && a.resetAt > b.resetAt);
}

/**
 * Names a store decision. Built field by field: on Node 20, `{ ...decision, extra }` takes about a
 * microsecond (a slow path in V8), twenty times a literal.
 */
export function toRateLimitDecision(policy: string, name: string, key: string, decision: Decision): RateLimitDecision {
  const { allowed, limit, remaining, resetAt, retryAfterMs } = decision;
  return { allowed, limit, remaining, resetAt, retryAfterMs, policy, name, key };
}
