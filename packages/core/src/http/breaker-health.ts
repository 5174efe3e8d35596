import type { CircuitBreakerSnapshot } from '../circuit-breaker/snapshot.js';
import type { Registry } from '../registry/registry.js';
import type { HttpResponse } from './http-response.js';

/** Options of {@link breakerHealth}. */
export interface BreakerHealthOptions {
  /** Breakers whose opening makes the service unhealthy (503). @default none */
  readonly critical?: readonly string[];
}

/**
 * The answer of `/health/circuit-breakers` (every breaker) or `/health/circuit-breakers/:name` (one):
 * JSON snapshots and an overall status, 503 when a breaker listed as critical is not closed, 404 for
 * an unknown name.
 *
 * @example
 * ```ts
 * app.get('/health/circuit-breakers', (_req, res) => { const r = breakerHealth(registry); res.status(r.status).json(r.body); });
 * ```
 */
export function breakerHealth(registry: Registry, name?: string, options: BreakerHealthOptions = {}): HttpResponse {
  const headers = { 'cache-control': 'no-store' };
  const breakers = registry
    .list()
    .filter((policy) => policy.kind === 'circuit-breaker' && (name === undefined || policy.name === name))
    .map((policy) => policy.snapshot() as CircuitBreakerSnapshot);
  if (name !== undefined && breakers.length === 0) return { status: 404, headers, body: { error: `no circuit breaker named "${name}"` } };
  const critical = new Set(options.critical ?? []);
  const down = breakers.filter((b) => critical.has(b.name) && b.state !== 'closed').map((b) => b.name);
  const status = down.length > 0 ? 'unhealthy' : breakers.every((b) => b.state === 'closed') ? 'healthy' : 'degraded';
  const body = name === undefined ? { status, criticalOpen: down, breakers } : { status, breaker: breakers[0] };
  return { status: down.length > 0 ? 503 : 200, headers, body };
}

/** Default mount path of the breaker health routes. */
export const breakerHealthPath = '/health/circuit-breakers';

/**
 * Matches `path` against the health routes under `base`: `{ name: undefined }` for the list,
 * `{ name }` for one breaker, undefined for any other path.
 *
 * @example
 * ```ts
 * matchBreakerHealth('/health/circuit-breakers/payments'); // { name: 'payments' }
 * ```
 */
export function matchBreakerHealth(path: string, base: string = breakerHealthPath): { readonly name: string | undefined } | undefined {
  if (path === base || path === `${base}/`) return { name: undefined };
  if (!path.startsWith(`${base}/`)) return undefined;
  const rest = path.slice(base.length + 1);
  if (rest === '' || rest.includes('/')) return undefined;
  try {
    return { name: decodeURIComponent(rest) };
  } catch {
    return undefined;
  }
}
