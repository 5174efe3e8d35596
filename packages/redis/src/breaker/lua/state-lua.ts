/**
 * Lua shared by every breaker script: the clock, the spec, loading and saving the breaker's hash,
 * transitions, the summary every script returns and the notification it publishes.
 *
 * Keys (one hash tag, so one cluster slot): `KEYS[1]` the state hash, `KEYS[2]` the probe leases (a
 * sorted set: lease id scored by its deadline), `KEYS[3]` / `KEYS[4]` the rings of the failure-rate and
 * slow-call-rate count windows. Common arguments: `ARGV[1]` the caller's `now` (client clock) or `''`
 * (Redis `TIME`), `ARGV[2]` the spec's numbers ({@link encodeSpec}), `ARGV[3]` the window shapes.
 *
 * Hash fields: `st` state code (0 closed, 1 open, 2 half-open, 3 isolated, 4 disabled, 5 metrics-only),
 * `ep` epoch (bumped by every transition), `at` last change, `ou` open until, `rc` re-opens in a row,
 * `lf` last failure (-1 none), `cf` failures in a row, `ps` probe successes, `si`/`fi` successes and
 * failures in the state, `ln` last lease id, `v` version (bumped by every write), `inc` incarnation
 * (Redis µs when the hash was created), `cfg` window shapes, `why` reason of the last change, `w1`/`w2`
 * the windows. Every write sets `PEXPIRE` to the key TTL (spec item 18) on every key.
 */
export const breakerStateLua = `
local floor = math.floor
local function int(x) return string.format('%.0f', x) end
local S, L = KEYS[1], KEYS[2]
local now
if ARGV[1] ~= '' then now = floor(tonumber(ARGV[1])) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
end
local p = {}
for x in string.gmatch(ARGV[2], '%S+') do p[#p + 1] = tonumber(x) end
local b, changed = {}, nil
`;

/** Count and time windows, mirroring `count-window.ts` and `time-window.ts` in `@breakwater/core`. */
export const breakerWindowsLua = `
local function new_window(i, enc)
  local o = 5 * (i - 1)
  local kind = p[2 + o]
  if kind == 0 then return nil end
  local w = {kind = kind, flag = i, threshold = p[5 + o], min = p[6 + o]}
  local n = {}
  if enc then for x in string.gmatch(enc, '%S+') do n[#n + 1] = tonumber(x) end end
  if kind == 1 then
    w.key, w.size = KEYS[2 + i], p[3 + o]
    w.next, w.filled, w.fails, w.slows = n[1] or 0, n[2] or 0, n[3] or 0, n[4] or 0
    return w
  end
  local B = p[4 + o]
  w.sliceMs, w.B, w.slice = p[3 + o] / B, B, n[1] or -1
  w.c, w.f, w.s, w.tc, w.tf, w.ts = {}, {}, {}, 0, 0, 0
  for j = 1, B do
    w.c[j], w.f[j], w.s[j] = n[1 + j] or 0, n[1 + B + j] or 0, n[1 + 2 * B + j] or 0
    w.tc, w.tf, w.ts = w.tc + w.c[j], w.tf + w.f[j], w.ts + w.s[j]
  end
  return w
end
local function enc_window(w)
  if w.kind == 1 then return w.next .. ' ' .. w.filled .. ' ' .. w.fails .. ' ' .. w.slows end
  local out = {int(w.slice)}
  for _, a in ipairs({w.c, w.f, w.s}) do for j = 1, w.B do out[#out + 1] = int(a[j]) end end
  return table.concat(out, ' ')
end
local function reset_window(w)
  if w.kind == 1 then
    w.next, w.filled, w.fails, w.slows = 0, 0, 0, 0
    redis.call('DEL', w.key)
    return
  end
  for j = 1, w.B do w.c[j], w.f[j], w.s[j] = 0, 0, 0 end
  w.slice, w.tc, w.tf, w.ts = -1, 0, 0, 0
end
local function tw_rotate(w, t)
  local slice = floor(t / w.sliceMs)
  if slice > w.slice then
    if slice - w.slice >= w.B then reset_window(w) else
      for s = w.slice + 1, slice do
        local j = s % w.B + 1
        w.tc, w.tf, w.ts = w.tc - w.c[j], w.tf - w.f[j], w.ts - w.s[j]
        w.c[j], w.f[j], w.s[j] = 0, 0, 0
      end
    end
    w.slice = slice
  end
  return w.slice % w.B + 1
end
-- k outcomes with flags f: a count window overwrites the k oldest slots (at most its size).
local function cw_write(w, f, k)
  local size = w.size
  local m = k
  if m > size then m = size end
  local start = (w.next + k - m) % size
  local first = m
  if start + m > size then first = size - start end
  local old = redis.call('GETRANGE', w.key, start, start + first - 1)
  if first < m then old = old .. redis.call('GETRANGE', w.key, 0, m - first - 1) end
  local _, gone_f = string.gsub(old, '[13]', '')
  local _, gone_s = string.gsub(old, '[23]', '')
  w.fails = w.fails - gone_f + m * (f % 2)
  w.slows = w.slows - gone_s + m * floor(f / 2)
  redis.call('SETRANGE', w.key, start, string.rep(tostring(f), first))
  if first < m then redis.call('SETRANGE', w.key, 0, string.rep(tostring(f), m - first)) end
  w.filled = w.filled + k
  if w.filled > size then w.filled = size end
  w.next = (w.next + k) % size
end
local function add_window(w, f, k)
  if w.kind == 1 then cw_write(w, f, k) return end
  local j = tw_rotate(w, now)
  w.c[j], w.f[j], w.s[j] = w.c[j] + k, w.f[j] + k * (f % 2), w.s[j] + k * floor(f / 2)
  w.tc, w.tf, w.ts = w.tc + k, w.tf + k * (f % 2), w.ts + k * floor(f / 2)
end
local function figures(w)
  if not w then return 0, 0, 0 end
  if w.kind == 1 then return w.filled, w.fails, w.slows end
  tw_rotate(w, now)
  return w.tc, w.tf, w.ts
end
local function pct(x) return string.format('%g %%', floor(x * 1000 + 0.5) / 10) end
-- Whether the window's rate condition is met after an outcome with flags f; its description if so.
local function rate_trip(w, f)
  if floor(f / w.flag) % 2 == 0 then return nil end
  local calls, fails, slows = figures(w)
  local count = fails
  if w.flag == 2 then count = slows end
  if calls > 0 and calls >= w.min and count >= w.threshold * calls then
    local what = 'failure rate'
    if w.flag == 2 then what = 'slow-call rate' end
    return what .. ' ' .. pct(count / calls) .. ' over ' .. calls .. ' calls (threshold ' .. pct(w.threshold) .. ')'
  end
  return nil
end
`;

/** Loading, saving, transitions, the summary and the notification. */
export const breakerMachineLua = `
local function load(writing)
  local r = redis.call('HMGET', S, 'st', 'ep', 'at', 'ou', 'rc', 'lf', 'cf', 'ps', 'si', 'fi', 'v', 'inc', 'cfg', 'w1', 'w2', 'why')
  b.st, b.ep, b.at, b.ou = tonumber(r[1]) or 0, tonumber(r[2]) or 0, tonumber(r[3]) or now, tonumber(r[4]) or 0
  b.rc, b.lf, b.cf, b.ps = tonumber(r[5]) or 0, tonumber(r[6]) or -1, tonumber(r[7]) or 0, tonumber(r[8]) or 0
  b.si, b.fi, b.v, b.inc, b.why = tonumber(r[9]) or 0, tonumber(r[10]) or 0, tonumber(r[11]) or 0, tonumber(r[12]) or 0, r[16] or ''
  local same = r[13] == ARGV[3]
  b.w = {}
  for i = 1, 2 do
    local enc = nil
    if same then enc = r[13 + i] or nil end
    b.w[i] = new_window(i, enc)
    -- Another window shape (options changed): its counts start again.
    if b.w[i] and not same and writing and b.w[i].kind == 1 then redis.call('DEL', b.w[i].key) end
  end
end
local function open_ms()
  if p[13] == 0 or b.rc == 0 then return p[12] end
  return math.min(p[12] * p[13] ^ b.rc, p[14])
end
local function clear_counts()
  b.rc, b.si, b.fi, b.cf = 0, 0, 0, 0
  for i = 1, 2 do if b.w[i] then reset_window(b.w[i]) end end
end
local function transition(to, why)
  b.st, b.ep, b.at, b.si, b.fi, b.ps, b.why = to, b.ep + 1, now, 0, 0, 0, why
  redis.call('DEL', L)
  if to == 1 then b.ou = now + open_ms() end
  if to == 0 then clear_counts() end
  changed = why
end
local function save()
  b.v = b.v + 1
  if b.inc == 0 then
    local t = redis.call('TIME')
    b.inc = tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  local f = {'st', b.st, 'ep', b.ep, 'at', int(b.at), 'ou', int(b.ou), 'rc', b.rc, 'lf', int(b.lf), 'cf', b.cf, 'ps', b.ps,
    'si', b.si, 'fi', b.fi, 'v', b.v, 'inc', int(b.inc), 'cfg', ARGV[3], 'why', b.why}
  for i = 1, 2 do if b.w[i] then f[#f + 1] = 'w' .. i; f[#f + 1] = enc_window(b.w[i]) end end
  redis.call('HSET', S, unpack(f))
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], p[18]) end
end
local function summary()
  local live = redis.call('ZCOUNT', L, '(' .. int(now), '+inf')
  local first = redis.call('ZRANGEBYSCORE', L, '(' .. int(now), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  local earliest = 0
  if first[2] then earliest = tonumber(first[2]) end
  local c1, f1, s1 = figures(b.w[1])
  local c2, f2, s2 = figures(b.w[2])
  return {b.st, b.ep, b.at, b.ou, b.rc, b.lf, b.cf, live, b.ps, b.si, b.fi, earliest, c1, f1, s1, c2, f2, s2, now, b.v, b.inc}
end
-- Replies {r1, r2, r3, summary..., reason}; publishes the summary when the state changed, or when
-- announce is set (a freed lease, counts cleared), so that every instance's view follows.
local function finish(r1, r2, r3, announce)
  local s = summary()
  if changed or announce then
    local msg = {}
    for i = 1, #s do msg[i] = int(s[i]) end
    redis.call('PUBLISH', S .. ':events', table.concat(msg, ' ') .. '|' .. b.why)
  end
  local out = {r1, r2, r3}
  for i = 1, #s do out[#out + 1] = s[i] end
  out[#out + 1] = b.why
  return out
end
`;
