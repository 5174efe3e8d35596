import { prometheusMetrics, type MetricsOptions } from '@breakwater/core';
import type { RouteHandlerMethod } from 'fastify';
import { send } from './send.js';

/** Options of {@link metrics}: the collector's. */
export type MetricsRouteOptions = MetricsOptions;

/**
 * A route handler answering with the Prometheus text of the prom-client registry that Breakwater's
 * metrics are attached to (breaker state, calls by outcome, rejections, rate-limit and quota
 * decisions, bulkhead occupancy). prom-client is an optional peer dependency: without it this
 * throws `ERR_MISSING_PEER_DEPENDENCY` at once.
 *
 * @example
 * ```ts
 * await app.register(breakwater, { global: { rateLimit: { name: 'api', limits } } });
 * app.get('/metrics', { config: { breakwater: false } }, metrics({ registry: app.breakwater.registry }));
 * ```
 */
export function metrics(options: MetricsRouteOptions): RouteHandlerMethod {
  const collector = prometheusMetrics(options);
  return async (_request, reply) => send(reply, await collector.scrape());
}
