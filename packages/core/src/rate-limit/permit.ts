import type { Permit } from '../policy/admission.js';
import type { Decision } from '../store/decision.js';
import { type RateLimitDecision, toRateLimitDecision } from './decision.js';

/**
 * A rate limit's {@link Permit}. A rate limit counts calls when it admits them, so settling records
 * nothing; it only marks the permit settled, once.
 *
 * It is what `ChargedPermit` is, written out rather than extended: one is built per admitted HTTP
 * request, and a derived class's construction goes through V8's `FindNonDefaultConstructorOrConstruct`
 * builtin (0.2 % of the Fastify guard stack's server time in a profile; about 20 ns per object more
 * than a plain class in a loop that only builds them).
 */
export class RateLimitPermit implements Permit {
  readonly admitted = true as const;
  readonly policy: string;
  /** True when a limit refused the call and shadow mode let it through. */
  readonly shadowed: boolean;
  /**
   * The instant (epoch ms, by the policy's clock) the store decided at: what the decisions' `resetAt`
   * is to be read against. NaN for an allow-listed input, which no limit was asked about.
   */
  readonly decidedAt: number;
  readonly #index: number;
  #decisions: readonly RateLimitDecision[] | undefined;
  /**
   * A single limit's admission as the store answered it ({@link RateLimitPermit.single}), named only
   * when read: a route that sends no rate-limit fields never reads it, and so never allocates the
   * named decision and its array (two objects per request on the HTTP hot path).
   */
  #name = '';
  #key = '';
  #answer: Decision | undefined;
  #settled = false;

  constructor(policy: string, decisions: readonly RateLimitDecision[], index: number, shadowed: boolean, decidedAt = Number.NaN) {
    this.policy = policy;
    this.#decisions = decisions;
    this.#index = index;
    this.shadowed = shadowed;
    this.decidedAt = decidedAt;
  }

  /**
   * The permit of a call that the one limit `name` admitted for `key` with the store's `answer`,
   * decided at `decidedAt` (epoch ms).
   *
   * @example
   * ```ts
   * const permit = RateLimitPermit.single('api', 'per-ip', '203.0.113.7', store.consume(spec, key, 1, now), now);
   * permit.decision?.remaining;
   * ```
   */
  static single(policy: string, name: string, key: string, answer: Decision, decidedAt = Number.NaN): RateLimitPermit {
    const permit = new RateLimitPermit(policy, none, 0, false, decidedAt);
    permit.#decisions = undefined;
    permit.#name = name;
    permit.#key = key;
    permit.#answer = answer;
    return permit;
  }

  /** Every limit's decision, in the order of `limits` (empty for an allow-listed input). */
  get decisions(): readonly RateLimitDecision[] {
    return (this.#decisions ??= [toRateLimitDecision(this.policy, this.#name, this.#key, this.#answer as Decision)]);
  }

  /** The most restrictive limit's decision; undefined for an allow-listed input (nothing was asked). */
  get decision(): RateLimitDecision | undefined {
    return this.decisions[this.#index];
  }

  /**
   * The most restrictive limit's decision without its names (policy, limit name, key): for a single
   * limit, the store's own answer, so that reading it allocates nothing (the rate-limit header fields
   * need only its figures). Undefined for an allow-listed input.
   */
  get storeDecision(): Decision | undefined {
    return this.#answer ?? this.decision;
  }

  get settled(): boolean {
    return this.#settled;
  }

  success(_result?: unknown): void {
    this.#settled = true;
  }

  failure(_error?: unknown): void {
    this.#settled = true;
  }

  release(): void {
    this.#settled = true;
  }
}

const none: readonly RateLimitDecision[] = Object.freeze([]);
