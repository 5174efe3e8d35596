/**
 * What a store answers for one limit and one key: whether the request was admitted and the figures
 * behind it. Every field is an integer; times are epoch milliseconds.
 *
 * @example
 * ```ts
 * const decision = await store.consume(spec, 'client-42', 1, clock.now());
 * if (!decision.allowed) res.set('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
 * ```
 */
export interface Decision {
  /** True when the request was admitted and its cost charged. */
  readonly allowed: boolean;
  /** The most the limit can admit at once: a bucket's capacity, a GCRA burst, a window's limit. */
  readonly limit: number;
  /** Cost that could still be admitted at this instant (after this request, when it was admitted). */
  readonly remaining: number;
  /**
   * Epoch ms at which the limit is whole again (a full bucket, an empty window); for a fixed or
   * calendar window, the end of the current window.
   */
  readonly resetAt: number;
  /**
   * 0 when allowed; at least 1 when refused: milliseconds until this request's cost would be admitted
   * if nothing else arrived. A cost larger than `limit` is never admitted; it gets the time until
   * `resetAt` (at least 1).
   */
  readonly retryAfterMs: number;
}
