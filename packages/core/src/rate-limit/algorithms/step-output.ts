import type { Decision } from '../../store/decision.js';

/**
 * An algorithm's step works in one of these: it reads the key's state (`s0`, `s1`, `s2`) and the time
 * (`now`) from it, and writes back the decision's fields and the key's next state. One instance is
 * reused by a store for every step, so a decision costs no allocation until the store hands a
 * {@link Decision} out. The inputs travel in fields rather than arguments because a time in
 * milliseconds is too big for V8's small integers: passed to a function that is not inlined, each
 * such number would be boxed on the heap, on every call.
 *
 * Every algorithm keeps at most three numbers per key (`s0`, `s1`, `s2`); all zeros is the state of
 * a key never seen. The next state is also the state to keep when nothing is charged: it only
 * normalises (refills, rolls windows) and never changes what the next step decides.
 */
export class StepOutput {
  /** The time of the step, in whole milliseconds: an input. */
  now = 0;
  allowed = false;
  limit = 0;
  remaining = 0;
  resetAt = 0;
  retryAfterMs = 0;
  s0 = 0;
  s1 = 0;
  s2 = 0;

  /** Copies the decision fields into a fresh, plain object. */
  toDecision(): Decision {
    return {
      allowed: this.allowed,
      limit: this.limit,
      remaining: this.remaining,
      resetAt: this.resetAt,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/**
 * One algorithm's step: a pure function of `spec`, `cost` and the state and time in `io`
 * (`io.s0`–`io.s2`, `io.now`), that writes only to `io`. `io.now` is an integer (callers floor it)
 * and `cost` a non-negative integer.
 */
export type Kernel<S> = (spec: S, cost: number, io: StepOutput) => void;

/** `Math.ceil(a / b)` for non-negative integers below 2^53: exact in IEEE doubles, as in Lua. */
export function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

/** `Math.floor(a / b)` for non-negative integers below 2^53. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** `max(1, ms)`: a refusal always says to wait at least a millisecond. */
export function atLeastOne(ms: number): number {
  return ms > 1 ? ms : 1;
}

/** `a mod b` for integers, in [0, b) even for negative `a` (Lua's `%` does the same). */
export function mod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}
