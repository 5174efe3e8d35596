import type { BreakerHealthOptions, HttpOptions, Registry, RouteEntry, RouteGuards } from '@breakwater/core';

/** Options of the Breakwater Fastify plugin. */
export interface BreakwaterFastifyOptions extends HttpOptions {
  /** Guards for every route without its own `config.breakwater`. */
  readonly global?: RouteGuards;
  /** A route table, consulted for routes without `config.breakwater` before `global`. */
  readonly routes?: readonly RouteEntry[];
  /**
   * Serve `GET <path>` and `GET <path>/:name` with the breakers' snapshots (503 when a critical one
   * is not closed); `path` defaults to `/health/circuit-breakers`. Off unless given.
   */
  readonly health?: BreakerHealthOptions & { readonly path?: string };
}

/** What the plugin decorates the instance with. */
export interface BreakwaterDecorator {
  /** Every policy the plugin built, by kind and name. */
  readonly registry: Registry;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's guards, or `false` to opt out of global ones. */
    breakwater?: RouteGuards | false;
  }
  interface FastifyInstance {
    breakwater: BreakwaterDecorator;
  }
}
