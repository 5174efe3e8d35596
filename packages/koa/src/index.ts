import {
  httpSetup,
  singleGuard,
  type SingleGuardOptions,
  type BulkheadOptions,
  type CircuitBreakerOptions,
  type HttpInput,
  type HttpOptions,
  type QuotaOptions,
  type RateLimitOptions,
  type RouteEntry,
  type TimeoutOptions,
} from '@breakwater/core';
import type { Middleware } from 'koa';
import { guardMiddleware } from './middleware.js';

export type { HttpInput, HttpOptions, RouteEntry, RouteFallback, RouteGuards } from '@breakwater/core';

/** A guard's own options plus the shared {@link HttpOptions} and an optional fallback. */
export type KoaGuardOptions<O> = SingleGuardOptions<O>;

/** Options of {@link resilience}: a route table plus the shared {@link HttpOptions}. */
export interface ResilienceOptions extends HttpOptions {
  readonly routes: readonly RouteEntry[];
}

function single<O extends object>(root: string, slot: 'rateLimit' | 'quota' | 'bulkhead' | 'circuitBreaker' | 'timeout', options: KoaGuardOptions<O>): Middleware {
  const { setup, guards } = singleGuard(root, slot, options);
  return guardMiddleware(setup, () => guards);
}

/**
 * Koa middleware counting each client against one or more limits; 429 with `Retry-After`, the
 * IETF `RateLimit` fields and a problem+json body once a limit is spent.
 *
 * @example
 * ```ts
 * app.use(rateLimit({ name: 'api', limits: [{ capacity: 100, refillRate: 10 }] }));
 * ```
 */
export function rateLimit(options: KoaGuardOptions<RateLimitOptions<HttpInput>>): Middleware {
  return single('rateLimit', 'rateLimit', options);
}

/**
 * Koa middleware charging each client's calendar quota; 429 until the window resets.
 *
 * @example
 * ```ts
 * app.use(quota({ name: 'daily', limits: { day: 10_000 }, clientKey: { by: 'header', header: 'x-api-key' } }));
 * ```
 */
export function quota(options: KoaGuardOptions<QuotaOptions<HttpInput>>): Middleware {
  return single('quota', 'quota', options);
}

/**
 * Koa middleware capping concurrent requests; 503 when every slot and the queue are taken.
 *
 * @example
 * ```ts
 * app.use(bulkhead({ name: 'reports', maxConcurrent: 4 }));
 * ```
 */
export function bulkhead(options: KoaGuardOptions<BulkheadOptions>): Middleware {
  return single('bulkhead', 'bulkhead', options);
}

/**
 * Koa middleware guarding routes with a circuit breaker: 5xx responses and errors count as
 * failures; while open, 503 with `Retry-After` (or the fallback).
 *
 * @example
 * ```ts
 * app.use(circuitBreaker({ name: 'payments', trip: { consecutiveFailures: 5 }, recoveryTimeout: '30s' }));
 * ```
 */
export function circuitBreaker(options: KoaGuardOptions<CircuitBreakerOptions>): Middleware {
  return single('circuitBreaker', 'circuitBreaker', options);
}

/**
 * Koa middleware answering 504 (or the fallback) when the handler has not responded in time.
 *
 * @example
 * ```ts
 * app.use(timeout({ duration: '2s' }));
 * ```
 */
export function timeout(options: KoaGuardOptions<TimeoutOptions>): Middleware {
  return single('timeout', 'timeout', options);
}

/**
 * Koa middleware from a declarative route table: the first entry matching a request's method
 * and path guards it; other requests pass untouched.
 *
 * @example
 * ```ts
 * app.use(resilience({ routes: [{ path: '/api/v1/query/*', circuitBreaker: { name: 'query' }, timeout: { duration: '2s' } }] }));
 * ```
 */
export function resilience(options: ResilienceOptions): Middleware {
  const { routes, ...http } = options;
  const setup = httpSetup('resilience', http);
  const table = setup.table(routes);
  return guardMiddleware(setup, (method, path) => table.match(method, path));
}
export { circuitBreakerHealth, type HealthRouteOptions } from './health.js';
export { metrics, type MetricsRouteOptions } from './metrics.js';
export { dashboard, type DashboardOptions } from './dashboard.js';
