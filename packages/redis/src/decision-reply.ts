import type { Decision } from '@breakwater/core';
import type { Reply } from './script-call.js';
import { compactReply } from './scripts/scripts.js';

/**
 * A decision from a script's reply (docs/redis.md, "The scripts"): one integer `remaining * 2^32 +
 * (resetAt - now)` for an admission, or `{allowed, remaining, resetAt - now, retryAfterMs}` from
 * `reply[at]` on. `limit` is the spec's; `now` is the caller's clock when the call was made, so that
 * `resetAt` is on that clock (Redis `TIME` decides, the caller's clock reads the result).
 */
export function decisionOf(reply: Reply, at: number, limit: number, now: number): Decision {
  if (typeof reply === 'number') {
    const remaining = Math.floor(reply / compactReply.resetSpan);
    return { allowed: true, limit, remaining, resetAt: now + (reply - remaining * compactReply.resetSpan), retryAfterMs: 0 };
  }
  return { allowed: Number(reply[at]) === 1, limit, remaining: Number(reply[at + 1]), resetAt: now + Number(reply[at + 2]), retryAfterMs: Number(reply[at + 3]) };
}
