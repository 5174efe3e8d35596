import { parseOptions } from '../config/parse-options.js';
import { AllFallbacksFailedError, type FallbackFailure } from '../errors/all-fallbacks-failed-error.js';
import type { Disposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';
import type { ExecuteOptions, Executable, ExecutionContext } from '../policy/admission.js';
import { type AbortSource, contextOf, sourceOf } from '../timeout/abort-scope.js';
import type { FallbackChainOptions, FallbackOptions, FallbackTier, TierResult } from './options.js';
import { fallbackChainOptionsSchema, fallbackDefaults, fallbackOptionsSchema, type ResolvedFallbackChainOptions, type ResolvedTier } from './options-schema.js';

/** A call was answered by a fallback tier. */
export interface FallbackServed {
  readonly policy: string;
  /** The tier that answered. */
  readonly tier: string;
  /** The error that tier answered (the wrapped call's, or the previous tier's). */
  readonly error: unknown;
}

/**
 * Answers a failed call from the first tier that can: tiers are tried in order, each one only if its
 * `when` accepts the error of the step before it (the wrapped call's, then each failed tier's). Build
 * one with {@link fallback} (one tier) or {@link fallbackChain}.
 */
export class FallbackChain<F> {
  readonly kind = 'fallback' as const;
  readonly name: string;
  /** Options after parsing: defaults applied, frozen. */
  readonly options: ResolvedFallbackChainOptions;
  #onFallback: Emitter<FallbackServed> | undefined;

  constructor(options: FallbackChainOptions) {
    this.options = parseOptions('fallbackChain', fallbackChainOptionsSchema, options);
    this.name = this.options.name;
  }

  /**
   * Runs `fn`; if it fails, answers from the tiers. Rejects with the original error when no tier
   * accepts it, with {@link AllFallbacksFailedError} (every tier tried and its error) when every
   * tier tried failed, and with the abort reason once the caller's signal has aborted.
   */
  async execute<T>(fn: Executable<T>, options?: ExecuteOptions): Promise<T | F> {
    const source = sourceOf(options);
    const context = contextOf(source);
    try {
      return await fn(context);
    } catch (error) {
      return this.#fallBack(error, source, context);
    }
  }

  /** Subscribes to calls answered by a tier. */
  onFallback(listener: (event: FallbackServed) => void): Disposable {
    this.#onFallback ??= new Emitter('fallback.onFallback');
    return this.#onFallback.subscribe(listener);
  }

  /** Drops every subscription; a fallback chain keeps no timer. */
  close(): void {
    this.#onFallback?.clear();
  }

  async #fallBack(primaryError: unknown, source: AbortSource | undefined, context: ExecutionContext): Promise<F> {
    const failures: FallbackFailure[] = [{ tier: 'primary', error: primaryError }];
    let error = primaryError;
    for (const tier of this.options.tiers) {
      // The caller has gone: nobody is left to answer.
      if (source?.aborted === true) throw source.reason;
      if (!accepts(tier, error)) continue;
      try {
        const answer = 'value' in tier ? tier.value : await tier.run!(error, context);
        this.#served(tier.name, error);
        return answer as F;
      } catch (tierError) {
        failures.push({ tier: tier.name, error: tierError });
        error = tierError;
      }
    }
    if (failures.length === 1) throw primaryError;
    throw new AllFallbacksFailedError(this.name, failures);
  }

  #served(tier: string, error: unknown): void {
    const emitter = this.#onFallback;
    if (emitter?.hasListeners === true) emitter.emit({ policy: this.name, tier, error });
  }
}

/** Runs a tier's predicate; one that throws declines the error rather than breaking the chain. */
function accepts(tier: ResolvedTier, error: unknown): boolean {
  if (tier.when === undefined) return true;
  try {
    return tier.when(error) === true;
  } catch {
    return false;
  }
}

/**
 * Builds a {@link FallbackChain}: primary → each tier in order → {@link AllFallbacksFailedError}.
 * Options are validated once, here: a bad option throws {@link ConfigError} naming it.
 *
 * @example
 * ```ts
 * import { fallbackChain, isTransient } from '@breakwater/core';
 *
 * const prices = fallbackChain({
 *   name: 'prices',
 *   tiers: [
 *     { name: 'secondary', when: isTransient, run: (_error, { signal }) => secondaryApi.prices({ signal }) },
 *     { name: 'cache', run: () => cache.get('prices') },
 *     { name: 'static', value: [] as Price[] },
 *   ],
 * });
 * const list = await prices.execute(({ signal }) => primaryApi.prices({ signal }));
 * ```
 */
export function fallbackChain<Tiers extends readonly FallbackTier<unknown>[]>(
  options: FallbackChainOptions<Tiers>,
): FallbackChain<TierResult<Tiers[number]>> {
  return new FallbackChain(options);
}

/**
 * Builds a one-tier {@link FallbackChain}: a fixed `value`, or `run(error, context)`. When `run`
 * throws too, the call rejects with {@link AllFallbacksFailedError} listing both errors.
 *
 * @example
 * ```ts
 * import { fallback } from '@breakwater/core';
 *
 * const emptyOnFailure = fallback({ value: [] as Review[] });
 * const staleOnFailure = fallback({ name: 'stale-profile', run: () => cache.get(userId) });
 * const reviews = await emptyOnFailure.execute(() => reviewsApi.list(productId));
 * ```
 */
export function fallback<F>(options: FallbackOptions<F>): FallbackChain<F> {
  const { name, ...tier } = parseOptions('fallback', fallbackOptionsSchema, options);
  return new FallbackChain({ name, tiers: [{ ...tier, name: fallbackDefaults.tierName } as FallbackTier<unknown>] });
}
