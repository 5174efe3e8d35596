import type { Decision } from '../../store/decision.js';
import type { AlgorithmName, LimitSpec } from '../../store/limit-spec.js';
import type { Admit } from './admit.js';
import { calendarWindowKernel, fixedWindowAdmit, fixedWindowKernel } from './fixed-window.js';
import { gcraAdmit, gcraKernel } from './gcra.js';
import { slidingWindowKernel } from './sliding-window.js';
import { type Kernel, StepOutput } from './step-output.js';
import { tokenBucketAdmit, tokenBucketKernel } from './token-bucket.js';

/** The step of every algorithm, by name. */
const kernels: Readonly<Record<AlgorithmName, Kernel<never>>> = Object.freeze({
  'token-bucket': tokenBucketKernel,
  gcra: gcraKernel,
  'sliding-window': slidingWindowKernel,
  'fixed-window': fixedWindowKernel,
  'calendar-window': calendarWindowKernel,
});

/** The step of `algorithm`, for a store that resolves it once per key space. */
export function kernelOf(algorithm: AlgorithmName): Kernel<LimitSpec> {
  const kernel = Object.hasOwn(kernels, algorithm) ? kernels[algorithm] : undefined;
  if (kernel === undefined) throw new TypeError(`unknown rate-limit algorithm ${JSON.stringify(algorithm)}`);
  return kernel as Kernel<LimitSpec>;
}

/**
 * The admit-only steps: the algorithms whose common case is short enough to gain from one. The
 * sliding window (two windows, a weighted count) and calendar windows (bounds computed per call) have none.
 */
const admits: Readonly<Partial<Record<AlgorithmName, Admit<never>>>> = Object.freeze({
  'token-bucket': tokenBucketAdmit,
  gcra: gcraAdmit,
  'fixed-window': fixedWindowAdmit,
});

/** The admit-only step of `algorithm`, if it has one (see {@link Admit}). */
export function admitOf(algorithm: AlgorithmName): Admit<LimitSpec> | undefined {
  return Object.hasOwn(admits, algorithm) ? (admits[algorithm] as Admit<LimitSpec>) : undefined;
}

/**
 * A key's algorithm state: three integers whose meaning each algorithm documents; `[0, 0, 0]` is a
 * key never seen.
 */
export type AlgorithmState = readonly [number, number, number];

/** What {@link limitStep} returns: the next state and the decision. */
export interface LimitStep {
  readonly state: AlgorithmState;
  readonly decision: Decision;
}

/**
 * The pure step of every algorithm: `(state, spec, now, cost) -> (state, decision)`. Stores run it
 * (the memory store through an allocation-free form of the same code); a remote store's script
 * mirrors it operation for operation and must return the same decisions. When the request is
 * refused, the returned state is equivalent to the one given and need not be written.
 *
 * @example
 * ```ts
 * const spec = { id: 'demo', algorithm: 'token-bucket', capacity: 2, refillRate: 1, refillIntervalMs: 1000 } as const;
 * let step = limitStep(undefined, spec, 0, 1);      // allowed, remaining 1
 * step = limitStep(step.state, spec, 0, 2);          // refused, retryAfterMs 1000
 * ```
 */
export function limitStep(state: AlgorithmState | undefined, spec: LimitSpec, now: number, cost: number): LimitStep {
  const out = new StepOutput();
  out.s0 = state?.[0] ?? 0;
  out.s1 = state?.[1] ?? 0;
  out.s2 = state?.[2] ?? 0;
  out.now = Math.floor(now);
  kernelOf(spec.algorithm)(spec, cost, out);
  return { state: [out.s0, out.s1, out.s2], decision: out.toDecision() };
}
