import { script, type LuaScript } from '../../scripts/scripts.js';
import { breakerMachineLua, breakerStateLua, breakerWindowsLua } from './state-lua.js';

const prelude = `${breakerStateLua}${breakerWindowsLua}${breakerMachineLua}`;

/**
 * Records outcomes of closed-state calls and trips the breaker when a condition is met.
 *
 * - `KEYS`, `ARGV[1..3]`: as in `state-lua.ts` (state hash, leases, two rings; now, spec, shapes).
 * - `ARGV[4]`: the epoch the calls were admitted in; outcomes of another epoch are dropped.
 * - `ARGV[5]`: the outcomes in order, run-length encoded: `"<flags>:<count> ..."` (flags 0 success,
 *   1 failure, 2 slow success, 3 slow failure), e.g. `"0:120 1:3 0:4"`.
 *
 * Counted only while the breaker is closed or metrics-only (metrics-only never trips). Runs of
 * successes are added at once; failing or slow outcomes one by one, with every trip condition
 * checked after each, as the in-process breaker does; after a trip the rest of the batch is stale.
 * Returns `{recorded 0|1, 0, 0, summary..., reason}`.
 */
export const breakerRecordScript: LuaScript = script(
  'breaker-record',
  `${prelude}
load(true)
if not ((b.st == 0 or b.st == 5) and b.ep == tonumber(ARGV[4])) then return finish(0, 0, 0, false) end
local reason
for f, k in string.gmatch(ARGV[5], '(%d):(%d+)') do
  f, k = tonumber(f), tonumber(k)
  local n, each = k, k
  if f ~= 0 then n, each = 1, k else each = 1 end
  for _ = 1, each do
    if f % 2 == 1 then b.fi, b.lf = b.fi + n, now else b.si = b.si + n end
    if p[1] > 0 then if f % 2 == 1 then b.cf = b.cf + n else b.cf = 0 end end
    for i = 1, 2 do if b.w[i] then add_window(b.w[i], f, n) end end
    if b.st == 0 and f ~= 0 then
      if p[1] > 0 and f % 2 == 1 and b.cf >= p[1] then
        reason = b.cf .. ' consecutive failures (threshold ' .. p[1] .. ')'
      end
      for i = 1, 2 do if not reason and b.w[i] then reason = rate_trip(b.w[i], f) end end
    end
    if reason then break end
  end
  if reason then break end
end
if reason then transition(1, reason) end
save()
return finish(1, 0, 0, false)
`,
  4,
);

/**
 * Asks for a half-open probe lease. Open and past its open period → half-open (`recovery timeout
 * elapsed`); half-open → drops leases past their deadline and grants one if fewer than `maxProbes`
 * are live. KEYS and `ARGV[1..3]` as in `state-lua.ts`; no further argument.
 *
 * Returns `{0 rejected | 1 admitted as an ordinary call (r2 = epoch; the caller's view was stale) |
 * 2 leased (r2 = lease id, r3 = deadline), ..., summary..., reason}`.
 */
export const breakerLeaseScript: LuaScript = script(
  'breaker-lease',
  `${prelude}
load(true)
if b.st == 0 or b.st == 4 or b.st == 5 then return finish(1, b.ep, 0, false) end
if b.st == 1 and now >= b.ou then transition(2, 'recovery timeout elapsed') end
local r1, r2, r3 = 0, 0, 0
if b.st == 2 then
  redis.call('ZREMRANGEBYSCORE', L, '-inf', int(now))
  if redis.call('ZCARD', L) < p[15] then
    r1, r2, r3 = 2, redis.call('HINCRBY', S, 'ln', 1), now + p[17]
    redis.call('ZADD', L, int(r3), r2)
  end
end
if changed or r1 == 2 then save() end
return finish(r1, r2, r3, false)
`,
  4,
);

/**
 * Settles a probe. `ARGV[4]` the lease id, `ARGV[5]` `s` success / `f` failure / `r` release,
 * `ARGV[6]` the outcome flags. A lease that is gone or past its deadline is stale: nothing counts.
 * A success counts towards `successThreshold` (then closed); a failed or slow probe re-opens.
 * Returns `{1 counted | 0 stale, 0, 0, summary..., reason}`.
 */
export const breakerProbeScript: LuaScript = script(
  'breaker-probe',
  `${prelude}
load(true)
local score = redis.call('ZSCORE', L, ARGV[4])
if not score then return finish(0, 0, 0, false) end
redis.call('ZREM', L, ARGV[4])
local counted = 0
if ARGV[5] ~= 'r' and tonumber(score) > now and b.st == 2 then
  counted = 1
  local f = tonumber(ARGV[6])
  if f == 0 then
    b.si, b.ps = b.si + 1, b.ps + 1
    if b.ps >= p[16] then transition(0, b.ps .. ' probe(s) succeeded') end
  else
    b.fi, b.rc = b.fi + 1, b.rc + 1
    local why = 'probe was slow'
    if f % 2 == 1 then b.lf, why = now, 'probe failed' end
    transition(1, why)
  end
end
save()
return finish(counted, 0, 0, true)
`,
  4,
);

/**
 * An operator's command, for every instance. `ARGV[4]`: `reset`, `isolate`, `disable` or
 * `metrics-only`. Reset closes (or, when closed, clears the counts); the others force their state.
 * Returns `{1, 0, 0, summary..., reason}`.
 */
export const breakerCommandScript: LuaScript = script(
  'breaker-command',
  `${prelude}
load(true)
local c = ARGV[4]
local target = ({isolate = 3, disable = 4, ['metrics-only'] = 5})[c]
if c == 'reset' then
  if b.st == 0 then clear_counts() else transition(0, 'reset by operator') end
elseif target then
  if b.st ~= target then transition(target, c .. ' by operator') end
else
  return redis.error_reply('unknown breaker command ' .. tostring(c))
end
save()
return finish(1, 0, 0, true)
`,
  4,
);

/** Reads the state without writing (the periodic refresh). Returns `{0, 0, 0, summary..., reason}`. */
export const breakerReadScript: LuaScript = script(
  'breaker-read',
  `${prelude}
load(false)
return finish(0, 0, 0, false)
`,
  4,
);

/**
 * Replaces the state with saved state (`restore()`), or, with `ARGV[4]` = `seed`, writes it only when
 * no state exists yet (`initialState`). `ARGV[5..10]`: state code, last change, open until, re-opens,
 * last failure (-1 none), failures in a row; `ARGV[11..12]`: the two windows as stored in `w1`/`w2`
 * (`''` when absent); `ARGV[13..14]`: the two rings. Returns `{1 written | 0 kept, 0, 0, summary..., reason}`.
 */
export const breakerRestoreScript: LuaScript = script(
  'breaker-restore',
  `${prelude}
local exists = redis.call('EXISTS', S) == 1
load(true)
if ARGV[4] == 'seed' and exists then return finish(0, 0, 0, false) end
local st = tonumber(ARGV[5])
if st ~= b.st then changed = 'restored' end
b.st, b.ep, b.at, b.ou, b.rc, b.lf, b.cf = st, b.ep + 1, tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
b.si, b.fi, b.ps, b.why = 0, 0, 0, 'restored'
redis.call('DEL', L)
for i = 1, 2 do
  if b.w[i] then
    b.w[i] = new_window(i, ARGV[10 + i])
    if b.w[i].kind == 1 then
      redis.call('DEL', b.w[i].key)
      if ARGV[12 + i] ~= '' then redis.call('SET', b.w[i].key, ARGV[12 + i]) end
    end
  end
end
save()
return finish(1, 0, 0, true)
`,
  4,
);

/** Every breaker script, by name. */
export const breakerScripts: readonly LuaScript[] = Object.freeze([
  breakerRecordScript,
  breakerLeaseScript,
  breakerProbeScript,
  breakerCommandScript,
  breakerReadScript,
  breakerRestoreScript,
]);
