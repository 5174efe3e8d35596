import type { ResolvedLimit } from '../rate-limit/options-schema.js';
import type { Decision } from '../store/decision.js';

/**
 * Which rate-limit header fields to send. `httpapi` is the current IETF httpapi draft
 * (`RateLimit-Policy: "name";q=100;w=60`, `RateLimit: "name";r=42;t=30`); `draft-7` sends
 * `RateLimit: limit=…, remaining=…, reset=…` with `RateLimit-Policy`; `draft-6` sends
 * `RateLimit-Limit` / `-Remaining` / `-Reset` with `RateLimit-Policy`; `false` sends none.
 */
export type HeaderStandard = 'httpapi' | 'draft-7' | 'draft-6' | false;

/** Header options of a route. */
export interface RateLimitHeaderOptions {
  /** @default 'httpapi' */
  readonly standard?: HeaderStandard;
  /** Also send `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds). @default false */
  readonly legacy?: boolean;
}

/** One policy's static part: its name, quota and window in seconds. */
export interface HeaderPolicy {
  readonly name: string;
  readonly quota: number;
  readonly windowSeconds: number;
}

/** Window in seconds of a resolved rate limit (a token bucket: the time a drained bucket takes to refill). */
export function windowSecondsOf(limit: ResolvedLimit): number {
  switch (limit.algorithm) {
    case 'token-bucket': return Math.max(1, Math.ceil(((limit.capacity / limit.refillRate) * limit.refillInterval) / 1000));
    case 'gcra': return Math.max(1, Math.ceil(limit.period / 1000));
    default: return Math.max(1, Math.ceil(limit.window / 1000));
  }
}

/** Quotes a name as a structured-field string (drops characters a header cannot carry). */
function sfString(name: string): string {
  return `"${name.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Writes the rate-limit header fields of a request's decisions. The `RateLimit-Policy` value is
 * static per route and built once, in the constructor; `RateLimit` costs one short string per decision.
 *
 * @example
 * ```ts
 * const writer = new RateLimitHeaderWriter([{ name: 'api', quota: 100, windowSeconds: 60 }], { standard: 'httpapi' });
 * writer.write(headers, [decision], clock.now());
 * ```
 */
export class RateLimitHeaderWriter {
  readonly #standard: HeaderStandard;
  readonly #legacy: boolean;
  readonly #policyValue: string;
  /** Each policy's name as a structured-field string followed by `;r=`: quoted once, not per request. */
  readonly #itemPrefixes: readonly string[];
  /** True when nothing would be written: adapters skip the work. */
  readonly silent: boolean;

  constructor(policies: readonly HeaderPolicy[], options: RateLimitHeaderOptions = {}) {
    this.#standard = options.standard ?? 'httpapi';
    this.#legacy = options.legacy ?? false;
    this.silent = (this.#standard === false && !this.#legacy) || policies.length === 0;
    this.#itemPrefixes = policies.map((p) => `${sfString(p.name)};r=`);
    this.#policyValue =
      this.#standard === 'httpapi'
        ? policies.map((p) => `${sfString(p.name)};q=${p.quota};w=${p.windowSeconds}`).join(', ')
        : policies.map((p) => `${p.quota};w=${p.windowSeconds}`).join(', ');
  }

  /**
   * Adds the fields for `decisions` (one per policy, in the order of the constructor's policies;
   * undefined entries are skipped) to `headers`.
   */
  write(headers: Record<string, string>, decisions: readonly (Decision | undefined)[], now: number): void {
    if (this.silent) return;
    const standard = this.#standard;
    if (standard !== false) headers['ratelimit-policy'] = this.#policyValue;
    if (standard === 'httpapi') headers['ratelimit'] = this.#items(decisions, now);
    if (standard === 'httpapi' && !this.#legacy) return;
    const tightest = mostRestrictive(decisions);
    if (tightest === undefined) return;
    if (standard === 'draft-7') {
      headers['ratelimit'] = `limit=${tightest.limit}, remaining=${tightest.remaining}, reset=${resetSeconds(tightest, now)}`;
    } else if (standard === 'draft-6') {
      headers['ratelimit-limit'] = String(tightest.limit);
      headers['ratelimit-remaining'] = String(tightest.remaining);
      headers['ratelimit-reset'] = String(resetSeconds(tightest, now));
    }
    if (this.#legacy) {
      headers['x-ratelimit-limit'] = String(tightest.limit);
      headers['x-ratelimit-remaining'] = String(tightest.remaining);
      headers['x-ratelimit-reset'] = String(Math.ceil(tightest.resetAt / 1000));
    }
  }

  /**
   * The httpapi `RateLimit` value: one `"name";r=…;t=…` item per decision.
   *
   * Flattened before it is returned: `+` and template literals make a V8 cons string (a tree of the
   * parts) of anything 13 characters or longer, and Node checks every header value with a regular
   * expression, which on a cons string goes through the runtime (about 500 instructions per request
   * more than on a flat string). Reading a character flattens a cons string in place, one copy that
   * the header's write would make anyway; `Array.prototype.join` builds a flat string too, but cost
   * twice what it saved.
   */
  #items(decisions: readonly (Decision | undefined)[], now: number): string {
    let value = '';
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i];
      if (d === undefined) continue;
      const item = `${this.#itemPrefixes[i] ?? '"";r='}${d.remaining};t=${resetSeconds(d, now)}`;
      value = value === '' ? item : `${value}, ${item}`;
    }
    // Always a quote: every item begins with a quoted policy name. The read is what matters; a read
    // whose result went unused, the bundler and V8's optimizing compiler would both remove.
    return value.charCodeAt(0) === 34 ? value : value.slice();
  }
}

/** Seconds until the decision's window resets (or until a refused call may pass), rounded up. */
function resetSeconds(decision: Decision, now: number): number {
  const ms = decision.allowed ? decision.resetAt - now : Math.max(decision.retryAfterMs, 0);
  return Math.max(0, Math.ceil(ms / 1000));
}

function mostRestrictive(decisions: readonly (Decision | undefined)[]): Decision | undefined {
  let best: Decision | undefined;
  for (const d of decisions) {
    if (d === undefined) continue;
    if (best === undefined || (!d.allowed && best.allowed) || (d.allowed === best.allowed && d.remaining < best.remaining)) best = d;
  }
  return best;
}
