import { createHash } from 'node:crypto';
import type { AlgorithmName, LimitSpec } from '@breakwater/core';
import { calendarWindowLua, fixedWindowLua, gcraLua, allKernelsLua, slidingWindowLua, tokenBucketLua } from './kernels.js';
import { preludeLua } from './prelude.js';

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
  'token-bucket': 'tb',
  gcra: 'gc',
  'sliding-window': 'sw',
  'fixed-window': 'fw',
  'calendar-window': 'cw',
});

/**
 * One decision on one key.
 *
 * - `KEYS[1]`: the state key.
 * - `ARGV[1]`: `c` to consume, `p` to peek (nothing written: `allowed`/`retryAfterMs` for cost 1,
 *   `remaining`/`resetAt` for cost 0).
 * - `ARGV[2]`: the caller's `now` in epoch ms (client-clock mode), or `''` to read Redis `TIME`.
 * - `ARGV[3]`: the cost, an integer >= 0.
 * - `ARGV[4..6]`: the spec's three numbers ({@link specParams}).
 *
 * Returns `{allowed 0|1, limit, remaining, resetAt, retryAfterMs}`. Writes (with `PX`) only when the
 * request was admitted with a cost above 0, like the memory store.
 */
function singleKeyScript(name: string, tag: string, kernelLua: string): LuaScript {
  return script(
    name,
    `${preludeLua}${kernelLua}
local key, now, cost = KEYS[1], clock(ARGV[2]), ARGV[3] + 0
local p = {ARGV[4] + 0, ARGV[5] + 0, ARGV[6] + 0}
local s0, s1, s2 = load(key, '${tag}', now)
if ARGV[1] == 'p' then
  local a, l, _, _, retry = step_${tag}(p, s0, s1, s2, now, 1)
  local _, _, remaining, resetAt = step_${tag}(p, s0, s1, s2, now, 0)
  return reply(a, l, remaining, resetAt, retry)
end
local a, l, remaining, resetAt, retry, n0, n1, n2 = step_${tag}(p, s0, s1, s2, now, cost)
if a and cost > 0 then save(key, '${tag}', n0, n1, n2, resetAt, now) end
return reply(a, l, remaining, resetAt, retry)
`,
    1,
  );
}

/** Token bucket: {@link singleKeyScript}. */
export const tokenBucketScript = singleKeyScript('token-bucket', 'tb', tokenBucketLua);
/** GCRA: {@link singleKeyScript}. */
export const gcraScript = singleKeyScript('gcra', 'gc', gcraLua);
/** Sliding-window counter: {@link singleKeyScript}. */
export const slidingWindowScript = singleKeyScript('sliding-window', 'sw', slidingWindowLua);
/** Fixed window: {@link singleKeyScript}. */
export const fixedWindowScript = singleKeyScript('fixed-window', 'fw', fixedWindowLua);
/** Calendar window (quotas): {@link singleKeyScript}. */
export const calendarWindowScript = singleKeyScript('calendar-window', 'cw', calendarWindowLua);

/**
 * `consumeAll`: several limits (any mix of algorithms) charged all or nothing, in one script.
 *
 * - `KEYS[1..n]`: the state keys (in one cluster slot: they share the `{key}` hash tag).
 * - `ARGV[1]`: `now` or `''` (Redis `TIME`); `ARGV[2]`: the cost.
 * - `ARGV[3 + 4(i-1) .. 6 + 4(i-1)]`: limit i's tag and its three numbers.
 *
 * Returns `5n` integers: each limit's `{allowed, limit, remaining, resetAt, retryAfterMs}`. When one
 * limit refuses, nothing is written and a limit that would have admitted reports its step with cost 0.
 */
export const batchScript = script(
  'batch',
  `${preludeLua}${allKernelsLua}
local now, cost = clock(ARGV[1]), ARGV[2] + 0
local n, all, held = #KEYS, true, {}
for i = 1, n do
  local b = 3 + 4 * (i - 1)
  local tag = ARGV[b]
  local p = {ARGV[b + 1] + 0, ARGV[b + 2] + 0, ARGV[b + 3] + 0}
  local s0, s1, s2 = load(KEYS[i], tag, now)
  local r = {steps[tag](p, s0, s1, s2, now, cost)}
  held[i] = {tag, p, s0, s1, s2, r}
  all = all and r[1]
end
local out = {}
for i = 1, n do
  local h = held[i]
  local r = h[6]
  if all and cost > 0 then
    save(KEYS[i], h[1], r[6], r[7], r[8], r[4], now)
  elseif (not all) and r[1] then
    r = {steps[h[1]](h[2], h[3], h[4], h[5], now, 0)}
  end
  local d = reply(r[1], r[2], r[3], r[4], r[5])
  for j = 1, 5 do out[#out + 1] = d[j] end
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
export const allScripts: readonly LuaScript[] = Object.freeze([tokenBucketScript, gcraScript, slidingWindowScript, fixedWindowScript, calendarWindowScript, batchScript]);

/** A spec's three numbers, in the order its script reads them (`p[1..3]`). */
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
