import { breakerHealth, breakerHealthPath, matchBreakerHealth, type BreakerHealthOptions, type Registry } from '@breakwater/core';
import type { RequestHandler } from 'express';

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
export function circuitBreakerHealth(options: HealthRouteOptions): RequestHandler {
  const base = options.path ?? breakerHealthPath;
  return (req, res, next) => {
    const match = req.method === 'GET' ? matchBreakerHealth(req.path, base) : undefined;
    if (match === undefined) return next();
    const response = breakerHealth(options.registry, match.name, options);
    res.status(response.status).set(response.headers).json(response.body);
  };
}
