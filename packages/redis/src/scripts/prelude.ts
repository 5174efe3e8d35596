/**
 * Lua shared by every script: integer helpers that mirror `step-output.ts` in `@breakwater/core`,
 * the clock (Redis `TIME`, or the caller's `now`), and how a key's state is read and written.
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
export const preludeLua = `
local floor, ceil = math.floor, math.ceil
local pack, unpack, byte, format = struct.pack, struct.unpack, string.byte, string.format
local function fdiv(a, b) return floor(a / b) end
local function cdiv(a, b) return ceil(a / b) end
local function one(ms) if ms > 1 then return ms end return 1 end
local function lmod(a, b) return a - floor(a / b) * b end
local function int(x) return format('%.0f', x) end
local min_ttl = 0
local function clock(arg)
  if arg ~= '' then
    min_ttl = 60000
    return floor(arg + 0)
  end
  local t = redis.call('TIME')
  return t[1] * 1000 + floor(t[2] / 1000)
end
local function load(key, tag, now)
  local v = redis.call('GET', key)
  if v and #v > 33 and #v == 33 + byte(v, 1) then
    local a, s0, s1, s2, e = unpack('<Bc0dddd', v)
    if a == tag and e > now then return s0, s1, s2 end
  end
  return 0, 0, 0
end
local function save(key, tag, s0, s1, s2, resetAt, now)
  if resetAt > now then
    local ttl = resetAt - now
    if ttl < min_ttl then ttl = min_ttl end
    redis.call('SET', key, pack('<Bc0dddd', #tag, tag, s0, s1, s2, resetAt), 'PX', format('%d', ttl))
  else
    redis.call('DEL', key)
  end
end
local function reply(allowed, limit, remaining, resetAt, retry)
  local a = 0
  if allowed then a = 1 end
  return {a, limit, remaining, resetAt, retry}
end
`;
