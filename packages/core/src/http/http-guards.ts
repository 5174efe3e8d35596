import { parseOptions } from '../config/parse-options.js';
import { MemoryStore } from '../store/memory-store.js';
import { GuardPipeline } from './guard-pipeline.js';
import { type HttpOptions, httpOptionsSchema, type ResolvedHttpOptions, splitHttpOptions } from './http-options.js';
import { fallbackOptionsSchema } from './response-fallback.js';
import type { RouteGuards } from './route-guards.js';
import { type RouteEntry, RouteTable } from './route-table.js';
import { insideRequest, WarningCode, Warnings } from './warnings.js';

/**
 * Parses an adapter's shared options once and runs the construction-time checks: a memory store
 * while several instances run, a factory called inside a request handler.
 *
 * @example
 * ```ts
 * const setup = httpSetup('rateLimit', options);
 * const guards = setup.pipeline({ rateLimit: options.rateLimit });
 * ```
 */
export function httpSetup(root: string, options: HttpOptions, traits: AdapterTraits = {}): HttpSetup {
  const resolved = parseOptions(root, httpOptionsSchema, options);
  const warnings = new Warnings(resolved.logger, { watchDoubleCounts: traits.onePipelinePerRequest !== true });
  if (resolved.instances > 1 && (resolved.store === undefined || resolved.store instanceof MemoryStore)) warnings.warn(WarningCode.MemoryStoreMultiInstance);
  if (insideRequest()) warnings.warn(WarningCode.CreatedInHandler);
  return {
    options: resolved,
    warnings,
    pipeline: (guards) => new GuardPipeline(guards, resolved, warnings),
    table: (routes) => new RouteTable(routes, resolved, warnings),
  };
}

/** What an adapter knows about how its framework runs requests through the pipelines. */
export interface AdapterTraits {
  /**
   * True when a request passes one pipeline at most (Fastify: one set of hooks picks one pipeline per
   * request), so that no policy can count it twice and the double-count check is skipped. Express
   * and Koa stack middleware, so theirs is false. @default false
   */
  readonly onePipelinePerRequest?: boolean;
}

/** Parsed adapter options with their warnings, and builders of guards sharing them. */
export interface HttpSetup {
  readonly options: ResolvedHttpOptions;
  readonly warnings: Warnings;
  pipeline(guards: RouteGuards): GuardPipeline;
  table(routes: readonly RouteEntry[]): RouteTable;
}

/**
 * A single-guard middleware's options: the guard's own, the shared {@link HttpOptions}, and the
 * route's fallback (which takes the place of a policy's own `fallback` option, as on a route).
 */
export type SingleGuardOptions<O> = Omit<O, 'fallback'> & HttpOptions & Pick<RouteGuards, 'fallback' | 'fallbackOnFailure'>;

/**
 * What every adapter's single-guard factory (`rateLimit()`, `circuitBreaker()`, …) needs: the
 * options split into the policy's and the shared HTTP ones, parsed once, and the guard pipeline.
 *
 * @example
 * ```ts
 * const { setup, guards } = singleGuard('circuitBreaker', 'circuitBreaker', { name: 'payments' });
 * ```
 */
export function singleGuard<O extends object>(
  root: string,
  slot: keyof RouteGuards,
  options: SingleGuardOptions<O>,
): { readonly setup: HttpSetup; readonly guards: GuardPipeline } {
  const { fallback, fallbackOnFailure, ...rest } = options;
  const [policy, http] = splitHttpOptions(rest as O & HttpOptions);
  const setup = httpSetup(root, http);
  parseOptions(root, fallbackOptionsSchema, { fallback, fallbackOnFailure });
  const guards = setup.pipeline({ [slot]: policy, ...(fallback === undefined ? {} : { fallback }), ...(fallbackOnFailure === undefined ? {} : { fallbackOnFailure }) } as RouteGuards);
  return { setup, guards };
}
