/**
 * Lua shared by the scripts, as blocks of statements rather than functions (a `local function` is a
 * new closure on every run of a script): the clock (Redis `TIME`, or the caller's `now`), and how a
 * key's state is read and written.
 *
 * A state key holds one binary string, `struct.pack('<Bc0dddd', #tag, tag, s0, s1, s2, expiresAt)`:
 * the algorithm's tag, its three integers and the instant (`resetAt`) from which the state is
 * equivalent to no state, as little-endian doubles (exact: every value stays below 2^53). Packing
 * costs Redis a fraction of formatting and parsing text (`%.0f` and a pattern cost about 40 % of a
 * decision's server time; docs/benchmarks.md). A key whose `expiresAt <= now`, whose tag names another
 * algorithm, or that holds anything else, reads as `(0, 0, 0)`, as in the memory store. Every write
 * sets `PX resetAt - now`, a relative TTL; a state that is already whole is deleted instead. In
 * client-clock mode the caller's clock need not run at Redis's pace (a test's manual clock), so the
 * TTL is at least 60 s of real time: it only collects the key, and the stored `expiresAt` decides when
 * it is stale. Arguments are read by arithmetic coercion (`ARGV[i] + 0`), half the cost of `tonumber`.
 */
export const localsLua = `local floor, ceil = math.floor, math.ceil
`;

/**
 * Declares `now` (epoch ms) and `min_ttl`: the caller's clock `arg` when `given` holds, else Redis `TIME`.
 */
export function clockLua(given: string, arg: string): string {
  return `
local now, min_ttl = 0, 0
if ${given} then
  now, min_ttl = floor(${arg} + 0), 60000
else
  local t = redis.call('TIME')
  now = t[1] * 1000 + floor(t[2] / 1000)
end
`;
}

/** The Lua condition that `v`, the reply of a `GET` made with `call`, holds a packed state (any algorithm's). */
function packedStateLua(call: 'call' | 'pcall'): string {
  return `${call === 'pcall' ? "type(v) == 'string'" : 'v'} and #v > 33 and #v == 33 + string.byte(v, 1)`;
}

/**
 * Declares `s0, s1, s2`: the state of algorithm `tag` at `key`, or `0, 0, 0`. With `call` `'pcall'`,
 * a key that holds another type (whose GET fails with WRONGTYPE) reads as fresh instead of failing the
 * script: one such key must not fail the other decisions of a batch.
 */
export function loadLua(key: string, tag: string, call: 'call' | 'pcall' = 'call'): string {
  return `
local s0, s1, s2 = 0, 0, 0
local v = redis.${call}('GET', ${key})
if ${packedStateLua(call)} then
  local t, a0, a1, a2, e = struct.unpack('<Bc0dddd', v)
  if t == ${tag} and e > now then s0, s1, s2 = a0, a1, a2 end
end
`;
}

/**
 * Sets `c` (a local the caller declared) to the state held at `key`, whatever its algorithm, as a
 * table `{tag, s0, s1, s2, expiresAt, dirty}`: `{'', 0, 0, 0, 0, false}` when the key holds none, or
 * holds another Redis type. For a script that decides several times on one key and writes it once at
 * the end. A state is valid for algorithm `tag` at `now` when `c[1] == tag and c[5] > now`, as
 * {@link loadLua} reads it.
 */
export function readLua(key: string): string {
  return `
c = {'', 0, 0, 0, 0, false}
local v = redis.pcall('GET', ${key})
if ${packedStateLua('pcall')} then
  c[1], c[2], c[3], c[4], c[5] = struct.unpack('<Bc0dddd', v)
end
`;
}

/** Writes state `n0, n1, n2` of algorithm `tag` at `key`, whole again at `rst` (deleted if that has passed). */
export function saveLua(key: string, tag: string): string {
  return `
if rst > now then
  local ttl = rst - now
  if ttl < min_ttl then ttl = min_ttl end
  redis.call('SET', ${key}, struct.pack('<Bc0dddd', #${tag}, ${tag}, n0, n1, n2, rst), 'PX', string.format('%d', ttl))
else
  redis.call('DEL', ${key})
end
`;
}
