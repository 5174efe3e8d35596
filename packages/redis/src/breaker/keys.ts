import { escapeBraces } from '../keys.js';

/** The keys and the notification channel of one shared breaker. */
export interface BreakerKeys {
  /** State hash, probe leases, failure-rate ring, slow-call-rate ring: one hash tag, one cluster slot. */
  readonly keys: readonly [string, string, string, string];
  /** Where every state change is published. */
  readonly channel: string;
}

/**
 * `<prefix>:cb:{<name>}` and its `:leases`, `:ring:1`, `:ring:2` companions; the breaker name is the
 * hash tag (braces and `%` in it percent-encoded), so every script's keys share a slot.
 */
export function breakerKeys(prefix: string, name: string): BreakerKeys {
  const base = `${prefix}:cb:{${escapeBraces(name)}}`;
  return { keys: [base, `${base}:leases`, `${base}:ring:1`, `${base}:ring:2`], channel: `${base}:events` };
}
