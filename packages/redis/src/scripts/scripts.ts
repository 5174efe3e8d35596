import { createHash } from 'node:crypto';
import type { AlgorithmName, LimitSpec } from '@breakwater/core';
import { allKernels, calendarWindow, fixedWindow, gcra, type Kernel, kernelFunction, slidingWindow, tokenBucket } from './kernels.js';
import { clockLua, loadLua, localsLua, readLua, saveLua } from './prelude.js';

/** A Lua script with its SHA1, run by `EVALSHA` and loaded again on `NOSCRIPT`. */
export interface LuaScript {
  /** A stable name, for errors and the SHA pin test. */
  readonly name: string;
  readonly source: string;
  /** Hex SHA1 of `source`, as Redis computes it. */
  readonly sha: string;
  /** Number of KEYS, or `-1` when it varies (the batch script). */
  readonly keys: number;
}

/** Builds a {@link LuaScript}: its source, SHA1 and number of KEYS. */
export function script(name: string, source: string, keys: number): LuaScript {
  return Object.freeze({ name, source, sha: createHash('sha1').update(source).digest('hex'), keys });
}

/** The tag each algorithm writes into its state, and reads back (a tag of another algorithm reads as fresh). */
export const algorithmTags: Readonly<Record<AlgorithmName, string>> = Object.freeze({
  'token-bucket': tokenBucket.tag,
  gcra: gcra.tag,
  'sliding-window': slidingWindow.tag,
  'fixed-window': fixedWindow.tag,
  'calendar-window': calendarWindow.tag,
});

/** A decision whose reply fits one integer: admitted, `remaining < 2^21` and `resetAt - now < 2^32` (49 days). */
export const compactReply = Object.freeze({ remainingLimit: 2 ** 21, resetSpan: 2 ** 32 });

/**
 * The reply, from `a, rem, rst, rty` and `now`: one integer `rem * 2^32 + (rst - now)` for an
 * admission that fits ({@link compactReply}: every realistic limit), else `{a 0|1, rem, rst - now,
 * rty}`. The limit is the spec's own, which the caller knows, and `resetAt` goes back relative, so
 * that the caller adds its own clock's reading. An integer reply costs Redis and the client less to
 * encode and parse than an array (docs/benchmarks.md, "Redis store").
 */
const replyLua = `
local d = rst - now
if a and rem >= 0 and rem < ${compactReply.remainingLimit} and d >= 0 and d < ${compactReply.resetSpan} then return rem * ${compactReply.resetSpan} + d end
if a then a = 1 else a = 0 end
return {a, rem, d, rty}
`;

/**
 * One decision on one key.
 *
 * - `KEYS[1]`: the state key.
 * - `ARGV[1..3]`: the spec's three numbers ({@link specParams}).
 * - `ARGV[4]`, optional: the cost (an integer >= 0), or `p` to peek (nothing written:
 *   `allowed`/`retryAfterMs` for cost 1, `remaining`/`resetAt` for cost 0). Absent: cost 1.
 * - `ARGV[5]`, optional: the caller's `now` in epoch ms (client-clock mode). Absent: Redis `TIME`.
 *
 * The common call (cost 1, Redis time) therefore sends the key and three arguments that never change
 * for a spec. Returns as {@link replyLua}. Writes (with `PX`) only when the request was admitted with
 * a cost above 0, like the memory store. The kernel runs inline (no closure) except in a peek.
 */
function singleKeyScript(name: string, kernel: Kernel): LuaScript {
  const tag = `'${kernel.tag}'`;
  return script(
    name,
    `${localsLua}local key, mode = KEYS[1], ARGV[4]
local p1, p2, p3 = ARGV[1] + 0, ARGV[2] + 0, ARGV[3] + 0
${clockLua('ARGV[5]', 'ARGV[5]')}${loadLua('key', tag)}
local a, lim, rem, rst, rty, n0, n1, n2
if mode == 'p' then
${kernelFunction(kernel)}
  a, lim, rem, rst, rty = step_${kernel.tag}(p1, p2, p3, s0, s1, s2, now, 1)
  local _
  _, _, rem, rst = step_${kernel.tag}(p1, p2, p3, s0, s1, s2, now, 0)
else
  local cost = 1
  if mode then cost = mode + 0 end
${kernel.block}
  if a and cost > 0 then ${saveLua('key', tag)} end
end
${replyLua}`,
    1,
  );
}

/** Token bucket: {@link singleKeyScript}. */
export const tokenBucketScript = singleKeyScript('token-bucket', tokenBucket);
/** GCRA: {@link singleKeyScript}. */
export const gcraScript = singleKeyScript('gcra', gcra);
/** Sliding-window counter: {@link singleKeyScript}. */
export const slidingWindowScript = singleKeyScript('sliding-window', slidingWindow);
/** Fixed window: {@link singleKeyScript}. */
export const fixedWindowScript = singleKeyScript('fixed-window', fixedWindow);
/** Calendar window (quotas): {@link singleKeyScript}. */
export const calendarWindowScript = singleKeyScript('calendar-window', calendarWindow);

/**
 * `consumeAll`: several limits (any mix of algorithms) charged all or nothing, in one script.
 *
 * - `KEYS[1..n]`: the state keys (in one cluster slot: they share the `{key}` hash tag).
 * - `ARGV[1]`: `now` or `''` (Redis `TIME`); `ARGV[2]`: the cost.
 * - `ARGV[3 + 4(i-1) .. 6 + 4(i-1)]`: limit i's tag and its three numbers.
 *
 * Returns `4n` integers: each limit's `{allowed 0|1, remaining, resetAt - now, retryAfterMs}`. When
 * one limit refuses, nothing is written and a limit that would have admitted reports its step with
 * cost 0.
 */
export const batchScript = script(
  'batch',
  `${localsLua}${allKernels.map(kernelFunction).join('')}
local steps = {${allKernels.map((kernel) => `${kernel.tag} = step_${kernel.tag}`).join(', ')}}
${clockLua("ARGV[1] ~= ''", 'ARGV[1]')}
local cost = ARGV[2] + 0
local n, all, held = #KEYS, true, {}
for i = 1, n do
  local b = 3 + 4 * (i - 1)
  local tag = ARGV[b]
  local p1, p2, p3 = ARGV[b + 1] + 0, ARGV[b + 2] + 0, ARGV[b + 3] + 0
${loadLua('KEYS[i]', 'tag')}
  local r = {steps[tag](p1, p2, p3, s0, s1, s2, now, cost)}
  held[i] = {tag, p1, p2, p3, s0, s1, s2, r}
  all = all and r[1]
end
local out = {}
for i = 1, n do
  local h = held[i]
  local r = h[8]
  if all and cost > 0 then
    local tag, n0, n1, n2, rst = h[1], r[6], r[7], r[8], r[4]
${saveLua('KEYS[i]', 'tag')}
  elseif (not all) and r[1] then
    r = {steps[h[1]](h[2], h[3], h[4], h[5], h[6], h[7], now, 0)}
  end
  local a = 0
  if r[1] then a = 1 end
  out[#out + 1] = a
  out[#out + 1] = r[3]
  out[#out + 1] = r[4] - now
  out[#out + 1] = r[5]
end
return out
`,
  -1,
);

/** The most decisions (so the most distinct specs) one `many` call may carry: a spec's index fits 6 bits. */
export const manyLimit = 64;

/**
 * The largest cost a batched decision may carry: its code (see {@link manyScript}) must stay an exact
 * integer below 2^53. A bigger cost is sent on its own.
 */
export const maxBatchedCost = 2 ** 47 - 1;

/**
 * Independent single-key decisions in one script: the decisions that one instance made in one turn
 * of the event loop (`batchDecisions`), each charged or refused on its own, in order, so that a key
 * named twice sees its first charge. The whole script is atomic, so each decision is too.
 *
 * - `KEYS[1..n]`: the state keys, one per decision, in order (single node and Sentinel only: they
 *   may lie in any slot).
 * - `ARGV[1]`: `now` or `''` (Redis `TIME`), read once for the whole batch.
 * - `ARGV[2]`: `m`, the number of distinct specs; `ARGV[3 + 4(j-1) .. 6 + 4(j-1)]`: spec j's
 *   algorithm tag and three numbers.
 * - `ARGV[2 + 4m + i]`: decision i's code, `cost * 64 + (j - 1)`: its spec j and its cost (an integer
 *   from 0 to {@link maxBatchedCost}). At most {@link manyLimit} decisions.
 *
 * A decision thus costs its key and one short argument, and a spec named many times in a batch is
 * sent and converted once. A key that the batch names several times is read when first named and
 * written once, at the end, if a decision charged it: the decisions in between step the state held
 * in the script. A hot key (one busy client, or a global limit) thus costs Redis one `GET` and one
 * `SET` per batch, not per decision. The value written is the last state, with the last state's TTL,
 * which is what one write per decision would have left. A key named once is read, stepped and written
 * at once, as a single-key script does: holding its state in a table would cost more than it saves.
 *
 * Returns `n` replies, decision i's at index i, each as the single-key scripts reply ({@link replyLua}):
 * one integer for an admission that fits, else `{a 0|1, rem, rst - now, rty}`. A key holding another
 * Redis type reads as fresh (and is overwritten when admitted), so that it cannot fail the batch.
 */
export const manyScript = script(
  'many',
  `${localsLua}${allKernels.map(kernelFunction).join('')}
local steps = {${allKernels.map((kernel) => `${kernel.tag} = step_${kernel.tag}`).join(', ')}}
${clockLua("ARGV[1] ~= ''", 'ARGV[1]')}
local function reply(a, rem, rst, rty)
${replyLua}end
local m = ARGV[2] + 0
local specs = {}
for j = 1, m do
  local b = 3 + 4 * (j - 1)
  specs[j] = {ARGV[b], ARGV[b + 1] + 0, ARGV[b + 2] + 0, ARGV[b + 3] + 0}
end
local first = 2 + 4 * m
local n = #KEYS
local named = {}
for i = 1, n do
  local key = KEYS[i]
  named[key] = (named[key] or 0) + 1
end
local out, held, order = {}, {}, {}
for i = 1, n do
  local code = ARGV[first + i] + 0
  local si = code % 64
  local cost = (code - si) / 64
  local spec = specs[si + 1]
  local key, tag = KEYS[i], spec[1]
  if named[key] == 1 then
${loadLua('key', 'tag', 'pcall')}
    local a, lim, rem, rst, rty, n0, n1, n2 = steps[tag](spec[2], spec[3], spec[4], s0, s1, s2, now, cost)
    if a and cost > 0 then ${saveLua('key', 'tag')} end
    out[i] = reply(a, rem, rst, rty)
  else
    local c = held[key]
    if not c then
${readLua('key')}
      held[key] = c
      order[#order + 1] = key
    end
    local s0, s1, s2 = 0, 0, 0
    if c[1] == tag and c[5] > now then s0, s1, s2 = c[2], c[3], c[4] end
    local a, lim, rem, rst, rty, n0, n1, n2 = steps[tag](spec[2], spec[3], spec[4], s0, s1, s2, now, cost)
    if a and cost > 0 then c[1], c[2], c[3], c[4], c[5], c[6] = tag, n0, n1, n2, rst, true end
    out[i] = reply(a, rem, rst, rty)
  end
end
for j = 1, #order do
  local key = order[j]
  local c = held[key]
  if c[6] then
    local tag, n0, n1, n2, rst = c[1], c[2], c[3], c[4], c[5]
${saveLua('key', 'tag')}
  end
end
return out
`,
  -1,
);

/** The single-key script of each algorithm. */
export const scriptOf: Readonly<Record<AlgorithmName, LuaScript>> = Object.freeze({
  'token-bucket': tokenBucketScript,
  gcra: gcraScript,
  'sliding-window': slidingWindowScript,
  'fixed-window': fixedWindowScript,
  'calendar-window': calendarWindowScript,
});

/** Every script, by name. */
export const allScripts: readonly LuaScript[] = Object.freeze([tokenBucketScript, gcraScript, slidingWindowScript, fixedWindowScript, calendarWindowScript, batchScript, manyScript]);

/** A spec's three numbers, in the order its script reads them (`ARGV[1..3]`, `p1..p3`). */
export function specParams(spec: LimitSpec): [number, number, number] {
  switch (spec.algorithm) {
    case 'token-bucket':
      return [spec.capacity, spec.refillRate, spec.refillIntervalMs];
    case 'gcra':
      return [spec.limit, spec.periodMs, spec.burst];
    case 'sliding-window':
    case 'fixed-window':
      return [spec.limit, spec.windowMs, 0];
    case 'calendar-window':
      return [spec.limit, spec.windowStart, spec.windowEnd];
    default:
      throw new TypeError(`unknown rate-limit algorithm ${JSON.stringify((spec as { algorithm?: unknown }).algorithm)}`);
  }
}
