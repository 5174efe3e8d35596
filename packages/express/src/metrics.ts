import { metricsPath, prometheusMetrics, type MetricsOptions } from '@breakwater/core';
import type { RequestHandler } from 'express';
import { write } from './middleware.js';

/** Options of {@link metrics}: the collector's, plus the path to serve. */
export interface MetricsRouteOptions extends MetricsOptions {
  /** @default '/metrics' */
  readonly path?: string;
}

/**
 * Serves `GET <path>` with the Prometheus text of the prom-client registry that Breakwater's
 * metrics are attached to (breaker state, calls by outcome, rejections, rate-limit and quota
 * decisions, bulkhead occupancy). Other requests pass through. prom-client is an optional peer
 * dependency: without it this throws `ERR_MISSING_PEER_DEPENDENCY` at once.
 *
 * @example
 * ```ts
 * app.use(metrics({ registry }));                                     // GET /metrics, prom-client's default registry
 * app.use(metrics({ registry, promRegistry: myRegistry, path: '/internal/metrics' }));
 * ```
 */
export function metrics(options: MetricsRouteOptions): RequestHandler {
  const { path = metricsPath, ...collectorOptions } = options;
  const collector = prometheusMetrics(collectorOptions);
  return (req, res, next) => {
    if (req.method !== 'GET' || req.path !== path) return next();
    collector.scrape().then((response) => write(res, response), next);
  };
}
