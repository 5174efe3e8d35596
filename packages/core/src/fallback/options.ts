import type { ExecutionContext } from '../policy/admission.js';

/** Which errors a tier answers; the others pass it by. @default every error */
export type FallbackPredicate = (error: unknown) => boolean;

/** A tier that answers with a fixed value. */
export interface ValueTier<F> {
  /** Names the tier in events and in {@link AllFallbacksFailedError}. */
  readonly name: string;
  readonly when?: FallbackPredicate;
  readonly value: F;
}

/** A tier that computes its answer from the error (a secondary service, a cache); if it throws, the next tier is tried. */
export interface RunTier<F> {
  /** Names the tier in events and in {@link AllFallbacksFailedError}. */
  readonly name: string;
  readonly when?: FallbackPredicate;
  readonly run: (error: unknown, context: ExecutionContext) => F | PromiseLike<F>;
}

/** One tier of a fallback chain: a fixed `value`, or a `run` function of the error. */
export type FallbackTier<F> = ValueTier<F> | RunTier<F>;

/** Options of {@link fallbackChain}. */
export interface FallbackChainOptions<Tiers extends readonly FallbackTier<unknown>[] = readonly FallbackTier<unknown>[]> {
  /** Names the chain in events and errors. @default 'fallback' */
  readonly name?: string;
  /** Tried in order after the wrapped call fails; each tier's `when` sees the error of the step before it. */
  readonly tiers: Tiers;
}

/** Options of {@link fallback}: one tier, a fixed `value` or a `run` function of the error. */
export type FallbackOptions<F> = { readonly name?: string; readonly when?: FallbackPredicate } & (
  | { readonly value: F; readonly run?: never }
  | { readonly run: (error: unknown, context: ExecutionContext) => F | PromiseLike<F>; readonly value?: never }
);

/** What a tier answers with. */
export type TierResult<T> = T extends { readonly value: infer V } ? V : T extends { readonly run: (...args: never[]) => infer R } ? Awaited<R> : never;
