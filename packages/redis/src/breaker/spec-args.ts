import type { BreakerSpec } from '@breakwater/core';

/** A rate condition's window after parsing. */
export type ResolvedWindow = NonNullable<BreakerSpec['trip']['failureRate']>['window'];

/** A rate condition as the scripts read it: window kind (0 none, 1 count, 2 time), size or duration, buckets, threshold, minimum calls. */
function rateArgs(condition: { threshold: number; minimumCalls: number; window: ResolvedWindow } | undefined): number[] {
  if (condition === undefined) return [0, 0, 0, 0, 0];
  const { window } = condition;
  return window.type === 'count'
    ? [1, window.size, 0, condition.threshold, condition.minimumCalls]
    : [2, window.duration, window.buckets, condition.threshold, condition.minimumCalls];
}

/** What every breaker script is given about the breaker: `ARGV[2]` (numbers) and `ARGV[3]` (window shapes). */
export interface SpecArgs {
  readonly numbers: string;
  readonly shapes: string;
}

/**
 * The spec's numbers, in the order `state-lua.ts` reads them (`p[1..18]`): consecutive failures (0
 * none); failure rate (5 numbers, {@link rateArgs}); slow-call rate (5); recovery timeout; backoff
 * multiplier (0 none) and maximum; max probes; success threshold; probe timeout; key TTL.
 */
export function encodeSpec(spec: BreakerSpec, keyTtlMs: number): SpecArgs {
  const failure = rateArgs(spec.trip.failureRate);
  const slow = rateArgs(spec.trip.slowCallRate);
  const numbers = [
    spec.trip.consecutiveFailures ?? 0,
    ...failure,
    ...slow,
    spec.recoveryTimeout,
    spec.backoff?.multiplier ?? 0,
    spec.backoff?.maxRecoveryTimeout ?? 0,
    spec.maxProbes,
    spec.successThreshold,
    spec.probeTimeout,
    keyTtlMs,
  ];
  const shapes = [...failure.slice(0, 3), ...slow.slice(0, 3)].join(',');
  return { numbers: numbers.map(String).join(' '), shapes };
}
