import { breakerHealth, breakerHealthPath, matchBreakerHealth, type BreakerHealthOptions, type Registry } from '@breakwater/core';
import type { Middleware } from 'koa';

/** Options of {@link circuitBreakerHealth}. */
export interface HealthRouteOptions extends BreakerHealthOptions {
  readonly registry: Registry;
  /** @default '/health/circuit-breakers' */
  readonly path?: string;
}

/**
 * Serves `GET <path>` (every breaker's snapshot and the overall status) and `GET <path>/:name`;
 * 503 when a breaker listed as critical is not closed. Other requests pass through.
 *
 * @example
 * ```ts
 * app.use(circuitBreakerHealth({ registry, critical: ['payments'] }));
 * ```
 */
export function circuitBreakerHealth(options: HealthRouteOptions): Middleware {
  const base = options.path ?? breakerHealthPath;
  return async (ctx, next) => {
    const match = ctx.method === 'GET' ? matchBreakerHealth(ctx.path, base) : undefined;
    if (match === undefined) return next();
    const response = breakerHealth(options.registry, match.name, options);
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}
