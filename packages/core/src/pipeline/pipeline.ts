import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import type { ExecuteOptions, ExecutionContext } from '../policy/admission.js';
import { type AbortSource, optionsWithSource, sourceOf } from '../timeout/abort-scope.js';
import { finalContext, gatherExtras, ownSource } from './merged-context.js';
import type { PipelineContext, PipelineFallback, PipelineOptionsArgument, PipelinePolicy } from './types.js';

type Layer = PipelinePolicy['execute'];

/**
 * Policies composed outermost-first: `pipeline(a, b, c).execute(fn)` is
 * `a.execute(() => b.execute(() => c.execute(fn)))`. Build one with {@link pipeline}.
 *
 * Every policy receives the caller's options unchanged (a keyed policy reads its own fields from
 * them), except that the abort source becomes that of the nearest policy further out that adds one
 * (a timeout): its signal is built only if a policy or the function reads it. The function receives
 * every policy's context merged: a retry's `attempt`, and the innermost signal.
 */
export class Pipeline<Ps extends readonly PipelinePolicy[]> {
  readonly kind = 'pipeline' as const;
  /** The policies, outermost first. */
  readonly policies: Ps;
  readonly #layers: readonly Layer[];

  constructor(policies: Ps) {
    const issues: ConfigIssue[] = policies.flatMap((policy, index) =>
      typeof (policy as { execute?: unknown } | null)?.execute === 'function'
        ? []
        : [{ path: `pipeline.policies.${index}`, message: 'expected a policy with an execute(fn, options) method', received: policy }],
    );
    if (policies.length === 0) issues.push({ path: 'pipeline.policies', message: 'expected at least one policy', received: policies });
    if (issues.length > 0) throw new ConfigError(issues);
    this.policies = policies;
    this.#layers = policies.map((policy) => policy.execute.bind(policy) as Layer);
  }

  /** Runs `fn` through every policy, outermost first. */
  execute<T>(fn: (context: PipelineContext<Ps>) => T | PromiseLike<T>, ...options: PipelineOptionsArgument<Ps>): Promise<T | PipelineFallback<Ps>>;
  execute(fn: (context: never) => unknown, options?: ExecuteOptions): Promise<unknown> {
    return this.#enter(0, fn as (context: ExecutionContext) => unknown, options, options, sourceOf(options), undefined);
  }

  #enter(
    index: number,
    fn: (context: ExecutionContext) => unknown,
    callerOptions: ExecuteOptions | undefined,
    options: ExecuteOptions | undefined,
    source: AbortSource | undefined,
    extras: object | undefined,
  ): Promise<unknown> {
    const layer = this.#layers[index] as unknown as (fn: (context: ExecutionContext) => unknown, options?: ExecuteOptions) => Promise<unknown>;
    return layer((context) => {
      const innerSource = ownSource(context) ?? source;
      const innerExtras = gatherExtras(extras, context);
      if (index + 1 === this.#layers.length) return fn(finalContext(innerExtras, context, innerSource));
      const innerOptions = innerSource === source ? options : optionsWithSource(callerOptions, innerSource);
      return this.#enter(index + 1, fn, callerOptions, innerOptions, innerSource, innerExtras);
    }, options);
  }
}

/**
 * Composes policies, outermost first, into one with a typed result (the function's, plus any
 * breaker's or fallback's fallback type) and a merged context. The recommended order for a call to
 * a dependency is: rate limit → total timeout → retry → circuit breaker → attempt timeout (see the
 * README, "Composing policies").
 *
 * @example
 * ```ts
 * import { circuitBreaker, pipeline, retry, timeout } from '@breakwater/core';
 *
 * const inventory = pipeline(
 *   timeout({ name: 'inventory-total', duration: '5s' }),
 *   retry({ name: 'inventory', maxAttempts: 3 }),
 *   circuitBreaker({ name: 'inventory', trip: { consecutiveFailures: 5 } }),
 *   timeout({ name: 'inventory-attempt', duration: '1s' }),
 * );
 * const stock = await inventory.execute(({ signal, attempt }) => fetchStock(sku, { signal, attempt }));
 * ```
 */
export function pipeline<const Ps extends readonly PipelinePolicy[]>(...policies: Ps): Pipeline<Ps> {
  return new Pipeline(policies);
}
