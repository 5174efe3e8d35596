import { z } from 'zod';

/** A duration unit accepted in strings. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * A duration: a number of milliseconds, or a string such as `'250ms'`, `'30s'`, `'1.5m'`, `'1h'`, `'7d'`.
 *
 * @example
 * ```ts
 * const options = { recoveryTimeout: '30s', probeTimeout: 10_000 } satisfies Record<string, Duration>;
 * ```
 */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

const unitMs: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationPattern = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Converts a {@link Duration} to milliseconds, or returns `undefined` when it is not one
 * (negative, not finite, or an unknown unit).
 *
 * @example
 * ```ts
 * parseDuration('1.5s'); // 1500
 * ```
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = durationPattern.exec(value);
  if (!match) return undefined;
  // Rounded to the microsecond: '1.005s' is 1005 ms, not 1004.9999999999999.
  const ms = Math.round(Number(match[1]) * unitMs[match[2] as DurationUnit] * 1_000) / 1_000;
  return Number.isFinite(ms) ? ms : undefined;
}

interface DurationBounds {
  /** Smallest accepted value in ms (inclusive). */
  readonly minMs?: number;
  /** When true, 0 is rejected. */
  readonly positive?: boolean;
  /** Largest accepted value in ms (inclusive). */
  readonly maxMs?: number;
}

/** A zod schema accepting a {@link Duration} and producing milliseconds. */
export function durationSchema(bounds: DurationBounds = {}): z.ZodType<number, Duration> {
  const { minMs = 0, positive = false, maxMs = Number.MAX_SAFE_INTEGER } = bounds;
  const expected = `expected a duration${positive ? ' > 0' : ''} (milliseconds, or a string like "30s")`;
  return z
    .custom<Duration>((value) => parseDuration(value) !== undefined, { message: expected })
    .transform((value) => parseDuration(value) as number)
    .refine((ms) => (positive ? ms > 0 : true), { message: `expected a duration > 0` })
    .refine((ms) => ms >= minMs, { message: `expected a duration of at least ${minMs} ms` })
    .refine((ms) => ms <= maxMs, { message: `expected a duration of at most ${maxMs} ms` }) as unknown as z.ZodType<
    number,
    Duration
  >;
}
