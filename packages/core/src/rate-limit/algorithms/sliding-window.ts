import type { SlidingWindowSpec } from '../../store/limit-spec.js';
import { atLeastOne, floorDiv, mod, type StepOutput } from './step-output.js';

/**
 * Sliding-window counter: counts per fixed window of `W = windowMs` (aligned to the Unix epoch) and
 * estimates the last `W` ms as the current count plus the previous window's count weighted by the
 * share of it still inside the sliding window: `estimate = prev·(W - e)/W + cur`, `e` being the time
 * since the current window began. Error bound: it assumes the previous window's requests were spread
 * evenly, so the requests admitted in any span of `W` ms can exceed `limit` by at most `prev·e/W`
 * (always fewer than `2·limit`), and an aligned window never holds more than `limit`.
 *
 * Exact arithmetic: everything is multiplied by `W`. State: `s0` the current window's start `S`,
 * `s1` its count `cur`, `s2` the previous window's count `prev`.
 *
 * ```
 * start = now - (now mod W)
 * S == start      -> (cur, prev)  as kept
 * S == start - W  -> (0, cur)     the window rolled once
 * S >  start      -> kept, counted in S (a clock that went back), unless both counts are 0
 * otherwise       -> (0, 0)
 * e = max(0, now - window);  used = prev·(W - e) + cur·W
 * allowed = used + cost·W <= limit·W              -- then cur += cost
 * remaining = max(0, floor((limit·W - used') / W))
 * resetAt   = cur > 0 ? window + 2W : prev > 0 ? window + W : now
 * retryAfterMs (refused):
 *   cost > limit         -> max(1, resetAt - now)
 *   cur + cost <= limit  -> W - floor((limit - cur - cost)·W / prev) - e
 *   otherwise            -> (W - e) + max(0, W - floor((limit - cost)·W / cur))
 * next state = (window, cur, prev)
 * ```
 */
export function slidingWindowKernel(spec: SlidingWindowSpec, cost: number, out: StepOutput): void {
  const { s0, s1, s2, now } = out;
  const size = spec.windowMs;
  const limit = spec.limit;
  const start = now - mod(now, size);
  const window = s0 > start && s1 + s2 > 0 ? s0 : start;
  let cur = s0 === window ? s1 : 0;
  const prev = s0 === window ? s2 : s0 === window - size ? s1 : 0;
  const elapsed = now > window ? now - window : 0;
  const weighted = prev * (size - elapsed);
  const allowed = weighted + (cur + cost) * size <= limit * size;
  const retryAfterMs = allowed ? 0 : slidingRetryAfter(limit, size, cur, prev, elapsed, cost);
  if (allowed) cur += cost;
  const room = limit * size - weighted - cur * size;
  out.allowed = allowed;
  out.limit = limit;
  out.remaining = room > 0 ? floorDiv(room, size) : 0;
  out.resetAt = cur > 0 ? window + 2 * size : prev > 0 ? window + size : now;
  out.retryAfterMs = cost > limit ? atLeastOne(out.resetAt - now) : retryAfterMs;
  out.s0 = window;
  out.s1 = cur;
  out.s2 = prev;
}

/** Milliseconds until a refused cost fits, if nothing else arrives (see the table above). */
function slidingRetryAfter(limit: number, size: number, cur: number, prev: number, elapsed: number, cost: number): number {
  if (cost > limit) return 0; // replaced by max(1, resetAt - now)
  if (cur + cost <= limit) return size - floorDiv((limit - cur - cost) * size, prev) - elapsed;
  const inNext = size - floorDiv((limit - cost) * size, cur);
  return size - elapsed + (inNext > 0 ? inNext : 0);
}
