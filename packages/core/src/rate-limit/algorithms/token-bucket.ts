import type { TokenBucketSpec } from '../../store/limit-spec.js';
import type { Admit } from './admit.js';
import { atLeastOne, ceilDiv, floorDiv, type StepOutput } from './step-output.js';

/**
 * Token bucket: `capacity` tokens, refilled continuously at `refillRate` tokens per
 * `refillIntervalMs`; a request of cost `c` takes `c` tokens.
 *
 * Exact arithmetic: one token is `I = refillIntervalMs` units, so a millisecond refills exactly
 * `R = refillRate` units and no fraction is ever lost. State:
 * - `s0` missing units `M` (0 = full; at most `C·I`), `s1` the time `U` of the last refill (ms), `s2` unused.
 *
 * ```
 * M       = elapsed·R >= M ? 0 : M - elapsed·R, where elapsed = max(0, now - U)
 * base    = M > 0 && U > now ? U : now          -- a clock that went back refills nothing
 * need    = cost·I
 * allowed = M + need <= C·I                   -- then M += need
 * remaining    = floor((C·I - M) / I)
 * resetAt      = base + ceil(M / R)           -- the bucket is full again
 * retryAfterMs = allowed ? 0 : cost > C ? max(1, resetAt - now) : base + ceil((M + need - C·I) / R) - now
 * next state   = (M, base, 0)
 * ```
 */
export function tokenBucketKernel(spec: TokenBucketSpec, cost: number, out: StepOutput): void {
  const { s0, s1, now } = out;
  const interval = spec.refillIntervalMs;
  const rate = spec.refillRate;
  const full = spec.capacity * interval;
  const elapsed = now > s1 ? now - s1 : 0;
  const refilled = elapsed * rate;
  let missing = refilled >= s0 ? 0 : s0 - refilled;
  const base = missing > 0 && s1 > now ? s1 : now;
  const need = cost * interval;
  const allowed = missing + need <= full;
  if (allowed) missing += need;
  out.allowed = allowed;
  out.limit = spec.capacity;
  out.remaining = floorDiv(full - missing, interval);
  out.resetAt = base + ceilDiv(missing, rate);
  out.retryAfterMs = allowed ? 0 : cost > spec.capacity ? atLeastOne(out.resetAt - now) : base + ceilDiv(missing + need - full, rate) - now;
  out.s0 = missing;
  out.s1 = base;
  out.s2 = 0;
}

/**
 * {@link tokenBucketKernel}'s admission alone, in place (see {@link Admit}): the same refill and the
 * same test, without the decision's figures.
 */
export const tokenBucketAdmit: Admit<TokenBucketSpec> = (spec, cost, now, state, expiresAt, slot) => {
  const at = slot * 3;
  const before = state[at] as number;
  const refilledAt = state[at + 1] as number;
  const rate = spec.refillRate;
  const interval = spec.refillIntervalMs;
  const refilled = (now > refilledAt ? now - refilledAt : 0) * rate;
  const missing = refilled >= before ? 0 : before - refilled;
  const after = missing + cost * interval;
  if (after > spec.capacity * interval) return false;
  const base = missing > 0 && refilledAt > now ? refilledAt : now;
  state[at] = after;
  state[at + 1] = base;
  expiresAt[slot] = base + ceilDiv(after, rate);
  return true;
};
