import type { CalendarWindowSpec, FixedWindowSpec } from '../../store/limit-spec.js';
import type { Admit } from './admit.js';
import { atLeastOne, mod, type StepOutput } from './step-output.js';

/**
 * Fixed window: at most `limit` per window of `windowMs`, windows aligned to the Unix epoch
 * (`start = now - now mod windowMs`). Up to twice the limit can pass across a window boundary.
 *
 * State: `s0` the start `S` of the window counted in, `s1` the count `N` in it, `s2` unused.
 *
 * ```
 * start   = now - (now mod W)
 * window  = N > 0 && S > start ? S : start           -- a clock that went back counts in S
 * count   = S == window ? N : 0
 * allowed = count + cost <= limit                        -- then count += cost
 * remaining    = limit - count
 * resetAt      = window + W
 * retryAfterMs = allowed ? 0 : resetAt - now      -- at least 1: now < resetAt
 * next state   = (window, count, 0)
 * ```
 */
export function fixedWindowKernel(spec: FixedWindowSpec, cost: number, out: StepOutput): void {
  const { s0, s1, now } = out;
  const start = now - mod(now, spec.windowMs);
  const window = s1 > 0 && s0 > start ? s0 : start;
  countIn(spec.limit, window, window + spec.windowMs, s0 === window ? s1 : 0, now, cost, out);
  out.s1 = out.s2;
  out.s2 = 0;
}

/** {@link fixedWindowKernel}'s admission alone, in place (see {@link Admit}). */
export const fixedWindowAdmit: Admit<FixedWindowSpec> = (spec, cost, now, state, expiresAt, slot) => {
  const at = slot * 3;
  const countedIn = state[at] as number;
  const count = state[at + 1] as number;
  const windowMs = spec.windowMs;
  const start = now - mod(now, windowMs);
  const window = count > 0 && countedIn > start ? countedIn : start;
  const counted = (countedIn === window ? count : 0) + cost;
  if (counted > spec.limit) return false;
  state[at] = window;
  state[at + 1] = counted;
  expiresAt[slot] = window + windowMs;
  return true;
};

/**
 * Calendar window: at most `limit` in `[windowStart, windowEnd)`, bounds computed by the caller.
 *
 * State: `s0` the start `S` of the window counted in, `s1` its end `Z`, `s2` the count `N`.
 *
 * ```
 * N > 0 and S > windowStart -> (S, Z, N)              -- a caller whose clock is behind counts in S
 * S == windowStart -> (windowStart, windowEnd, N)
 * otherwise        -> (windowStart, windowEnd, 0)      -- a new window
 * allowed = count + cost <= limit                      -- then count += cost
 * remaining    = limit - count
 * resetAt      = end
 * retryAfterMs = allowed ? 0 : max(1, end - now)
 * next state   = (start, end, count)
 * ```
 */
export function calendarWindowKernel(spec: CalendarWindowSpec, cost: number, out: StepOutput): void {
  const { s0, s1, s2, now } = out;
  const newer = s2 > 0 && s0 > spec.windowStart;
  const start = newer ? s0 : spec.windowStart;
  const end = newer ? s1 : spec.windowEnd;
  countIn(spec.limit, start, end, s0 === start ? s2 : 0, now, cost, out);
}

/** The counting both windows share; writes state `(start, end, count)`. */
function countIn(limit: number, start: number, end: number, count: number, now: number, cost: number, out: StepOutput): void {
  const allowed = count + cost <= limit;
  const counted = allowed ? count + cost : count;
  out.allowed = allowed;
  out.limit = limit;
  out.remaining = limit - counted;
  out.resetAt = end;
  out.retryAfterMs = allowed ? 0 : atLeastOne(end - now);
  out.s0 = start;
  out.s1 = end;
  out.s2 = counted;
}
