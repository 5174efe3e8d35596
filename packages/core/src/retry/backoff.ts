/** How the base delay grows with each retry. */
export type BackoffType = 'constant' | 'linear' | 'exponential';

/**
 * Randomness added to each delay, so that clients that failed together do not retry together:
 * `none` (the base delay), `full` (uniform in [0, base]), `equal` (uniform in [base/2, base]) or
 * `decorrelated` (AWS's "decorrelated jitter": uniform in [initialDelay, 3 × the previous delay],
 * which grows by itself; exponential backoff only).
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/** A backoff after parsing: durations in milliseconds. */
export interface ResolvedBackoff {
  readonly type: BackoffType;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly multiplier: number;
  readonly jitter: Jitter;
}

/** Factor applied to the previous delay for the upper bound of decorrelated jitter (AWS's formula). */
export const decorrelatedGrowth = 3;

/**
 * The base delay before retry number `retry` (1 for the first retry): `initialDelay` (constant),
 * `initialDelay × retry` (linear) or `initialDelay × multiplier^(retry - 1)` (exponential), capped at
 * `maxDelay`.
 *
 * @example
 * ```ts
 * baseDelay({ type: 'exponential', initialDelay: 100, maxDelay: 1_000, multiplier: 2, jitter: 'none' }, 3); // 400
 * ```
 */
export function baseDelay(backoff: ResolvedBackoff, retry: number): number {
  const { type, initialDelay, maxDelay, multiplier } = backoff;
  const base = type === 'constant' ? initialDelay : type === 'linear' ? initialDelay * retry : initialDelay * multiplier ** (retry - 1);
  // Infinity (a huge exponent) caps to maxDelay too.
  return base < maxDelay ? base : maxDelay;
}

/**
 * The delay before retry number `retry`, in milliseconds, always within [0, maxDelay].
 * `previousMs` is the delay before the previous retry (decorrelated jitter grows from it; pass
 * `initialDelay` for the first retry); `random` returns a number in [0, 1).
 *
 * @example
 * ```ts
 * const backoff = retry().options.backoff; // exponential, 100 ms to 30 s, full jitter
 * nextDelay(backoff, 2, 100, Math.random); // uniform in [0, 200]
 * ```
 */
export function nextDelay(backoff: ResolvedBackoff, retry: number, previousMs: number, random: () => number): number {
  if (backoff.jitter === 'decorrelated') {
    const { initialDelay, maxDelay } = backoff;
    const upper = Math.max(initialDelay, previousMs * decorrelatedGrowth);
    const delay = initialDelay + random() * (upper - initialDelay);
    return delay < maxDelay ? delay : maxDelay;
  }
  const base = baseDelay(backoff, retry);
  if (backoff.jitter === 'none') return base;
  if (backoff.jitter === 'full') return random() * base;
  // One multiplication by a factor in [0.5, 1): rounding can never carry the delay past `base`.
  return base * (0.5 + random() * 0.5);
}
