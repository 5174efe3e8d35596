import type { CircuitBreaker } from '../circuit-breaker/circuit-breaker.js';
import type { FallbackChain } from '../fallback/fallback-chain.js';
import type { ExecuteOptions, ExecutionContext } from '../policy/admission.js';
import type { Pipeline } from './pipeline.js';

/**
 * A policy a pipeline can hold: anything with `execute(fn, options)` that runs `fn` with a context
 * and resolves with its result (circuit breakers, bulkheads, timeouts, retries, fallbacks, rate
 * limits, pipelines).
 */
export interface PipelinePolicy {
  // Callback parameters are compared strictly: every policy's context is at least an ExecutionContext.
  execute(fn: (context: ExecutionContext) => unknown, ...options: never[]): PromiseLike<unknown>;
}

/** The context a policy hands its function. */
export type PolicyContext<P> = P extends { execute(fn: (context: infer C) => never, ...rest: never[]): unknown } ? C : never;

type ExecuteParameters<P> = P extends { execute: (...args: infer A) => unknown } ? A : never;

/** The options a policy's `execute` accepts. */
export type PolicyOptions<P> = NonNullable<ExecuteParameters<P>[1]>;

/** True when a policy's `execute` requires its options (a keyed policy, say). */
export type PolicyRequiresOptions<P> = ExecuteParameters<P> extends readonly [unknown, unknown] ? true : false;

/**
 * What a policy may answer with instead of the function's result: a breaker's or a fallback's
 * fallback type, a nested pipeline's. (TypeScript cannot read it off a generic `execute`, so the
 * policies that have one are named here; any other policy is taken to resolve with the result.)
 */
export type PolicyFallback<P> =
  P extends CircuitBreaker<infer F> ? F : P extends FallbackChain<infer F> ? F : P extends Pipeline<infer Ps> ? PipelineFallback<Ps> : never;

/** What the function of a pipeline receives: every policy's context merged (`signal`, a retry's `attempt`, …). */
export type PipelineContext<Ps extends readonly unknown[]> = Ps extends readonly [infer Head, ...infer Rest]
  ? PolicyContext<Head> & PipelineContext<Rest>
  : ExecutionContext;

/** The options of a pipeline's `execute`: every policy's options merged, handed to each policy unchanged. */
export type PipelineOptions<Ps extends readonly unknown[]> = Ps extends readonly [infer Head, ...infer Rest]
  ? PolicyOptions<Head> & PipelineOptions<Rest>
  : ExecuteOptions;

/** Every fallback type a pipeline's policies may answer with. */
export type PipelineFallback<Ps extends readonly unknown[]> = Ps extends readonly [infer Head, ...infer Rest]
  ? PolicyFallback<Head> | PipelineFallback<Rest>
  : never;

type AnyRequiresOptions<Ps extends readonly unknown[]> = Ps extends readonly [infer Head, ...infer Rest]
  ? PolicyRequiresOptions<Head> extends true
    ? true
    : AnyRequiresOptions<Rest>
  : false;

/** The options argument of a pipeline's `execute`: required when any policy requires its own. */
export type PipelineOptionsArgument<Ps extends readonly unknown[]> =
  AnyRequiresOptions<Ps> extends true ? [options: PipelineOptions<Ps>] : [options?: PipelineOptions<Ps>];
