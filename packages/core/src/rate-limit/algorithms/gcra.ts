import type { GcraSpec } from '../../store/limit-spec.js';
import type { Admit } from './admit.js';
import { atLeastOne, ceilDiv, floorDiv, type StepOutput } from './step-output.js';

/**
 * GCRA (generic cell rate algorithm): `limit` per `periodMs` on average and at most `burst` at once,
 * kept as one timestamp, the theoretical arrival time TAT. A request of cost `c` is admitted when
 * `TAT + c·T - now <= burst·T`, with `T = periodMs / limit` the emission interval.
 *
 * Exact arithmetic: times are counted in ticks of `1/limit` ms, in which `T` is `P = periodMs` ticks.
 * TAT is kept as whole milliseconds plus a remainder in ticks. State:
 * - `s0` TAT's whole milliseconds, `s1` TAT's remainder in ticks (0 ≤ `s1` < `limit`), `s2` unused.
 *
 * ```
 * debt    = s0 == 0 && s1 == 0 ? 0            -- a key never seen
 *         : max(0, (s0 - now)·limit + s1)     -- how far TAT lies ahead of now, in ticks
 * inc     = cost·P;  tol = burst·P
 * allowed = debt + inc <= tol                 -- then debt += inc
 * remaining    = max(0, floor((tol - debt) / P))
 * resetAt      = now + ceil(debt / limit)     -- TAT: the key is fresh again
 * retryAfterMs = allowed ? 0 : cost > burst ? max(1, resetAt - now) : ceil((debt + inc - tol) / limit)
 * next state   = (now + floor(debt / limit), debt mod limit, 0)
 * ```
 *
 * Its decisions equal a token bucket's with `capacity = burst`, `refillRate = limit` and
 * `refillIntervalMs = periodMs` while time moves forward; it keeps a timestamp instead of a level.
 */
export function gcraKernel(spec: GcraSpec, cost: number, out: StepOutput): void {
  const { s0, s1, now } = out;
  const limit = spec.limit;
  const period = spec.periodMs;
  const ahead = s0 === 0 && s1 === 0 ? 0 : (s0 - now) * limit + s1;
  let debt = ahead > 0 ? ahead : 0;
  const inc = cost * period;
  const tol = spec.burst * period;
  const allowed = debt + inc <= tol;
  if (allowed) debt += inc;
  const room = tol - debt;
  out.allowed = allowed;
  out.limit = spec.burst;
  out.remaining = room > 0 ? floorDiv(room, period) : 0;
  out.resetAt = now + ceilDiv(debt, limit);
  out.retryAfterMs = allowed ? 0 : cost > spec.burst ? atLeastOne(out.resetAt - now) : ceilDiv(debt + inc - tol, limit);
  const whole = floorDiv(debt, limit);
  out.s0 = now + whole;
  out.s1 = debt - whole * limit;
  out.s2 = 0;
}

/** {@link gcraKernel}'s admission alone, in place (see {@link Admit}). */
export const gcraAdmit: Admit<GcraSpec> = (spec, cost, now, state, expiresAt, slot) => {
  const at = slot * 3;
  const tatMs = state[at] as number;
  const tatTicks = state[at + 1] as number;
  const limit = spec.limit;
  const period = spec.periodMs;
  const ahead = tatMs === 0 && tatTicks === 0 ? 0 : (tatMs - now) * limit + tatTicks;
  const debt = (ahead > 0 ? ahead : 0) + cost * period;
  if (debt > spec.burst * period) return false;
  const whole = floorDiv(debt, limit);
  state[at] = now + whole;
  state[at + 1] = debt - whole * limit;
  expiresAt[slot] = now + ceilDiv(debt, limit);
  return true;
};
