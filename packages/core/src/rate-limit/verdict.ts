import type { RateLimitRejectionReason } from '../errors/rate-limited-error.js';
import type { Judgement } from './decision.js';
import type { LimitSet } from './limit-set.js';
import { RateLimitPermit } from './permit.js';
import { RateLimitRejection } from './rejection.js';

/** What a rate limit's `acquire()` returns. */
export type RateLimitAdmission = RateLimitPermit | RateLimitRejection;

/** How a call's admission ended: admitted (perhaps only thanks to shadow mode), or refused. */
export type Verdict =
  | { readonly admitted: true; readonly judgement: Judgement | undefined; readonly shadowed: boolean }
  | { readonly admitted: false; readonly reason: RateLimitRejectionReason; readonly retryAfterMs: number; readonly judgement: Judgement | undefined };

/** The verdict of an allow-listed input: admitted without asking any limit. */
export const allowListed: Verdict = Object.freeze({ admitted: true, judgement: undefined, shadowed: false });

/** `then(verdict)`, now or once the verdict is known. */
export function thenVerdict<T>(verdict: Verdict | Promise<Verdict>, then: (verdict: Verdict) => T): T | Promise<T> {
  return verdict instanceof Promise ? verdict.then(then) : then(verdict);
}

export function admitted(judgement: Judgement, shadowed = false): Verdict {
  return { admitted: true, judgement, shadowed };
}

export function refused(reason: RateLimitRejectionReason, retryAfterMs: number, judgement: Judgement | undefined): Verdict {
  return { admitted: false, reason, retryAfterMs, judgement };
}

/** The permit or rejection `acquire()` hands out for a verdict, with every limit's decision named. */
export function toAdmission(policy: string, limits: LimitSet<never>, verdict: Verdict): RateLimitAdmission {
  const decisions = verdict.judgement ? limits.named(verdict.judgement) : [];
  const index = verdict.judgement?.index ?? 0;
  if (verdict.admitted) return new RateLimitPermit(policy, decisions, index, verdict.shadowed, verdict.judgement?.decidedAt ?? Number.NaN);
  return new RateLimitRejection(policy, verdict.reason, verdict.retryAfterMs, decisions, index);
}
