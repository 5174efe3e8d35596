/**
 * The algorithms' steps in Lua, operation for operation the kernels in `@breakwater/core`
 * (`rate-limit/algorithms/*.ts`, documented in docs/store.md). Each is
 * `step(p, s0, s1, s2, now, cost) -> allowed, limit, remaining, resetAt, retryAfterMs, n0, n1, n2`
 * where `p` holds the spec's three numbers (see {@link specParams}) and `n0..n2` is the next state.
 */

/** Token bucket. `p = {capacity C, refillRate R, refillIntervalMs I}`; state `(missing M, last refill U, 0)`. */
export const tokenBucketLua = `
local function step_tb(p, s0, s1, s2, now, cost)
  local C, R, I = p[1], p[2], p[3]
  local full = C * I
  local elapsed = 0
  if now > s1 then elapsed = now - s1 end
  local refilled = elapsed * R
  local missing = 0
  if refilled < s0 then missing = s0 - refilled end
  local base = now
  if missing > 0 and s1 > now then base = s1 end
  local need = cost * I
  local allowed = missing + need <= full
  if allowed then missing = missing + need end
  local resetAt = base + cdiv(missing, R)
  local retry = 0
  if not allowed then
    if cost > C then retry = one(resetAt - now) else retry = base + cdiv(missing + need - full, R) - now end
  end
  return allowed, C, fdiv(full - missing, I), resetAt, retry, missing, base, 0
end
`;

/** GCRA. `p = {limit L, periodMs P, burst B}`; state `(TAT whole ms, TAT remainder in ticks, 0)`. */
export const gcraLua = `
local function step_gc(p, s0, s1, s2, now, cost)
  local L, P, B = p[1], p[2], p[3]
  local ahead = 0
  if not (s0 == 0 and s1 == 0) then ahead = (s0 - now) * L + s1 end
  local debt = 0
  if ahead > 0 then debt = ahead end
  local inc, tol = cost * P, B * P
  local allowed = debt + inc <= tol
  if allowed then debt = debt + inc end
  local room = tol - debt
  local remaining = 0
  if room > 0 then remaining = fdiv(room, P) end
  local resetAt = now + cdiv(debt, L)
  local retry = 0
  if not allowed then
    if cost > B then retry = one(resetAt - now) else retry = cdiv(debt + inc - tol, L) end
  end
  local whole = fdiv(debt, L)
  return allowed, B, remaining, resetAt, retry, now + whole, debt - whole * L, 0
end
`;

/** Sliding-window counter. `p = {limit N, windowMs W, 0}`; state `(window start, cur, prev)`. */
export const slidingWindowLua = `
local function step_sw(p, s0, s1, s2, now, cost)
  local N, W = p[1], p[2]
  local start = now - lmod(now, W)
  local window = start
  if s0 > start and s1 + s2 > 0 then window = s0 end
  local cur, prev = 0, 0
  if s0 == window then cur, prev = s1, s2 elseif s0 == window - W then prev = s1 end
  local e = 0
  if now > window then e = now - window end
  local weighted = prev * (W - e)
  local allowed = weighted + (cur + cost) * W <= N * W
  local retry = 0
  if not allowed and cost <= N then
    if cur + cost <= N then
      retry = W - fdiv((N - cur - cost) * W, prev) - e
    else
      local nxt = W - fdiv((N - cost) * W, cur)
      if nxt < 0 then nxt = 0 end
      retry = W - e + nxt
    end
  end
  if allowed then cur = cur + cost end
  local room = N * W - weighted - cur * W
  local remaining = 0
  if room > 0 then remaining = fdiv(room, W) end
  local resetAt = now
  if cur > 0 then resetAt = window + 2 * W elseif prev > 0 then resetAt = window + W end
  if cost > N then retry = one(resetAt - now) end
  return allowed, N, remaining, resetAt, retry, window, cur, prev
end
`;

/** What fixed and calendar windows share: counting in `[start, stop)`. */
const countInLua = `
local function count_in(N, start, stop, count, now, cost)
  local allowed = count + cost <= N
  local counted = count
  if allowed then counted = count + cost end
  local retry = 0
  if not allowed then retry = one(stop - now) end
  return allowed, N, N - counted, stop, retry, start, stop, counted
end
`;

/** Fixed window. `p = {limit N, windowMs W, 0}`; state `(window start, count, 0)`. */
export const fixedWindowLua = `${countInLua}
local function step_fw(p, s0, s1, s2, now, cost)
  local N, W = p[1], p[2]
  local start = now - lmod(now, W)
  local window = start
  if s1 > 0 and s0 > start then window = s0 end
  local count = 0
  if s0 == window then count = s1 end
  local a, l, r, reset, retry, n0, _, n2 = count_in(N, window, window + W, count, now, cost)
  return a, l, r, reset, retry, n0, n2, 0
end
`;

/** Calendar window. `p = {limit N, windowStart A, windowEnd Z}`; state `(start, end, count)`. */
export const calendarWindowLua = `${countInLua}
local function step_cw(p, s0, s1, s2, now, cost)
  local N, A, Z = p[1], p[2], p[3]
  local start, stop = A, Z
  if s2 > 0 and s0 > A then start, stop = s0, s1 end
  local count = 0
  if s0 == start then count = s2 end
  return count_in(N, start, stop, count, now, cost)
end
`;

/** Every step at once, for the batch script (whose limits may mix algorithms). */
export const allKernelsLua = `${tokenBucketLua}${gcraLua}${slidingWindowLua}${countInLua}${fixedWindowLua.replace(countInLua, '')}${calendarWindowLua.replace(countInLua, '')}
local steps = {tb = step_tb, gc = step_gc, sw = step_sw, fw = step_fw, cw = step_cw}
`;
