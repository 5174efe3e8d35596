/**
 * The algorithms' steps in Lua, operation for operation the kernels in `@breakwater/core`
 * (`rate-limit/algorithms/*.ts`, documented in docs/store.md).
 *
 * Each kernel is a block of statements, not a function, so that the single-key scripts can run it
 * inline: a Lua `local function` is a new closure on every run of a script, and each call of one
 * costs Redis more again (a dozen of them made 5,000 of a decision's 78,000 instructions). A block
 * reads `p1, p2, p3` (the spec's three numbers, see `specParams`), the state `s0, s1, s2`, `now` and
 * `cost`, and assigns `a` (admitted), `lim`, `rem`, `rst` (resetAt), `rty` (retryAfterMs) and the next
 * state `n0, n1, n2`. Integer division is `floor`/`ceil` of a quotient, exact below 2^53.
 * {@link kernelFunction} wraps a block into a function for the batch script and for peeks.
 */
export interface Kernel {
  /** The tag the algorithm writes into its state (two characters: the state is 35 bytes). */
  readonly tag: string;
  /** The block of statements. */
  readonly block: string;
}

/** `rty = max(ms, 1)`: a refusal that no wait can cure still names a wait. */
const atLeastOne = (ms: string) => `rty = ${ms}; if rty < 1 then rty = 1 end`;

/** Token bucket. `p = capacity C, refillRate R, refillIntervalMs I`; state `(missing M, last refill U, 0)`. */
export const tokenBucket: Kernel = {
  tag: 'tb',
  block: `
local C, R, I = p1, p2, p3
local full = C * I
local elapsed = 0
if now > s1 then elapsed = now - s1 end
local refilled = elapsed * R
local missing = 0
if refilled < s0 then missing = s0 - refilled end
local base = now
if missing > 0 and s1 > now then base = s1 end
local need = cost * I
a = missing + need <= full
if a then missing = missing + need end
rst = base + ceil(missing / R)
rty = 0
if not a then
  if cost > C then ${atLeastOne('rst - now')} else rty = base + ceil((missing + need - full) / R) - now end
end
lim, rem, n0, n1, n2 = C, floor((full - missing) / I), missing, base, 0
`,
};

/** GCRA. `p = limit L, periodMs P, burst B`; state `(TAT whole ms, TAT remainder in ticks, 0)`. */
export const gcra: Kernel = {
  tag: 'gc',
  block: `
local L, P, B = p1, p2, p3
local debt = 0
if not (s0 == 0 and s1 == 0) then
  local ahead = (s0 - now) * L + s1
  if ahead > 0 then debt = ahead end
end
local inc, tol = cost * P, B * P
a = debt + inc <= tol
if a then debt = debt + inc end
rem = 0
if tol > debt then rem = floor((tol - debt) / P) end
rst = now + ceil(debt / L)
rty = 0
if not a then
  if cost > B then ${atLeastOne('rst - now')} else rty = ceil((debt + inc - tol) / L) end
end
local whole = floor(debt / L)
lim, n0, n1, n2 = B, now + whole, debt - whole * L, 0
`,
};

/** Sliding-window counter. `p = limit N, windowMs W, 0`; state `(window start, cur, prev)`. */
export const slidingWindow: Kernel = {
  tag: 'sw',
  block: `
local N, W = p1, p2
local window = floor(now / W) * W
if s0 > window and s1 + s2 > 0 then window = s0 end
local cur, prev = 0, 0
if s0 == window then cur, prev = s1, s2 elseif s0 == window - W then prev = s1 end
local e = 0
if now > window then e = now - window end
local weighted = prev * (W - e)
a = weighted + (cur + cost) * W <= N * W
rty = 0
if not a and cost <= N then
  if cur + cost <= N then
    rty = W - floor((N - cur - cost) * W / prev) - e
  else
    local nxt = W - floor((N - cost) * W / cur)
    if nxt < 0 then nxt = 0 end
    rty = W - e + nxt
  end
end
if a then cur = cur + cost end
local room = N * W - weighted - cur * W
rem = 0
if room > 0 then rem = floor(room / W) end
rst = now
if cur > 0 then rst = window + 2 * W elseif prev > 0 then rst = window + W end
if cost > N then ${atLeastOne('rst - now')} end
lim, n0, n1, n2 = N, window, cur, prev
`,
};

/** What fixed and calendar windows share: `count` of `N` counted in `[lo, hi)`. Sets `counted`. */
const countIn = `
a = count + cost <= N
local counted = count
if a then counted = count + cost end
rty = 0
if not a then ${atLeastOne('hi - now')} end
lim, rem, rst = N, N - counted, hi
`;

/** Fixed window. `p = limit N, windowMs W, 0`; state `(window start, count, 0)`. */
export const fixedWindow: Kernel = {
  tag: 'fw',
  block: `
local N, W = p1, p2
local lo = floor(now / W) * W
if s1 > 0 and s0 > lo then lo = s0 end
local hi = lo + W
local count = 0
if s0 == lo then count = s1 end
${countIn}
n0, n1, n2 = lo, counted, 0
`,
};

/** Calendar window. `p = limit N, windowStart A, windowEnd Z`; state `(start, end, count)`. */
export const calendarWindow: Kernel = {
  tag: 'cw',
  block: `
local N, lo, hi = p1, p2, p3
if s2 > 0 and s0 > lo then lo, hi = s0, s1 end
local count = 0
if s0 == lo then count = s2 end
${countIn}
n0, n1, n2 = lo, hi, counted
`,
};

/** Every kernel, in the order of `steps` in the batch script. */
export const allKernels: readonly Kernel[] = [tokenBucket, gcra, slidingWindow, fixedWindow, calendarWindow];

/**
 * A kernel as a function `step_<tag>(p1, p2, p3, s0, s1, s2, now, cost)` returning
 * `a, lim, rem, rst, rty, n0, n1, n2`: for the batch script (whose limits mix algorithms) and for a
 * peek (which steps twice).
 */
export function kernelFunction(kernel: Kernel): string {
  return `
local function step_${kernel.tag}(p1, p2, p3, s0, s1, s2, now, cost)
local a, lim, rem, rst, rty, n0, n1, n2
${kernel.block}
return a, lim, rem, rst, rty, n0, n1, n2
end
`;
}
