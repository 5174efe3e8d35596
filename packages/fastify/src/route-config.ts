import type { FastifyRequest } from 'fastify';

/** What the plugin reads of a request's route: its `config` (Fastify puts the route's `url` in it). */
export type RouteConfig = { readonly url?: string; readonly breakwater?: unknown };

/**
 * Reads a request's route config. `request.routeOptions` is a getter that builds an eleven-field
 * object (and asks the router about version constraints) on every read: about 0.1 µs per request,
 * a twentieth of the whole guard stack's budget, for the one field the plugin needs. The route's
 * context, which holds that same `config` object, is a property of every request under a symbol
 * Fastify keeps to itself; it is looked up once, by its description, from the first request. When
 * it cannot be found (a Fastify that renamed it), every read goes through `routeOptions`.
 */
export class RouteConfigReader {
  /** Undefined until the first request; null when the context symbol was not found. */
  #contextKey: symbol | null | undefined;

  /** The config of `request`'s route (undefined for the 404 handler of some Fastify versions). */
  read(request: FastifyRequest): RouteConfig | undefined {
    // `undefined` only before the first request: `null` (not found) is an answer too, and must not
    // send every later request through the search again.
    const key = this.#contextKey === undefined ? this.#find(request) : this.#contextKey;
    if (key === null) return request.routeOptions.config as RouteConfig | undefined;
    const context = (request as unknown as Record<symbol, { config?: RouteConfig } | undefined>)[key];
    return context?.config;
  }

  #find(request: FastifyRequest): symbol | null {
    const key = Object.getOwnPropertySymbols(request).find((symbol) => symbol.description === 'fastify.context');
    // Trusted only if it holds the very object `routeOptions` hands out as the route's config.
    const context = key === undefined ? undefined : (request as unknown as Record<symbol, { config?: unknown } | undefined>)[key];
    const found = context !== undefined && typeof context === 'object' && context !== null && context.config === request.routeOptions.config ? (key as symbol) : null;
    this.#contextKey = found;
    return found;
  }
}
