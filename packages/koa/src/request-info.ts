import { headerReader, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { Context } from 'koa';

/** Maps a Koa context to the core's {@link RequestInfo}; `ctx.ip` honours `app.proxy`. */
export function requestInfo(ctx: Context): RequestInfo {
  return new KoaRequestInfo(ctx);
}

/**
 * A class rather than a literal with a `header` closure: the closure is made only for a request
 * whose headers are read (by an API-key client key, say), and it can be destructured like a field.
 */
class KoaRequestInfo implements RequestInfo {
  readonly ip: string;
  readonly method: string;
  readonly path: string;
  readonly route: string | undefined;
  readonly source: Context['req'];
  readonly user: unknown;
  #header: ((name: string) => string | undefined) | undefined;

  constructor(ctx: Context) {
    this.ip = ctx.ip;
    this.method = ctx.method;
    this.path = ctx.path;
    this.route = (ctx as Context & { _matchedRoute?: string })._matchedRoute;
    this.source = ctx.req;
    this.user = (ctx.state as { user?: unknown }).user;
  }

  get header(): (name: string) => string | undefined {
    return (this.#header ??= headerReader(this.source.headers));
  }
}

/** How the app trusts proxies: `proxy` with no `maxIpsCount` trusts any number of hops. */
export function trustProxyMode(ctx: Context): TrustProxyMode {
  if (!ctx.app.proxy) return 'off';
  return ctx.app.maxIpsCount > 0 ? 'restricted' : 'permissive';
}
