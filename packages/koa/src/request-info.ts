import { NodeRequestInfo, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { Context } from 'koa';

/**
 * Maps a Koa context to the core's {@link RequestInfo}; `ip` is `ctx.request.ip` (which honours
 * `app.proxy`), read by {@link ClientIp}.
 *
 * Read on `ctx.request`, not through the context's shortcuts: Koa builds `ctx.ip`, `ctx.method`,
 * `ctx.path`, `ctx.status` and the like with one shared getter per kind (`this[target][name]`), so
 * each read makes two keyed property loads that V8 sees with every name and object at once (about
 * 400 instructions each under callgrind), where `ctx.request.method` is two plain ones. `method` and
 * `path` are the ones the middleware already read.
 */
export function requestInfo(ctx: Context, ip: string, method: string, path: string): RequestInfo {
  return new NodeRequestInfo(ctx.req, ip, method, path, (ctx as Context & { _matchedRoute?: string })._matchedRoute, (ctx.state as { user?: unknown }).user);
}

/** How the app trusts proxies: `proxy` with no `maxIpsCount` trusts any number of hops. */
export function trustProxyMode(ctx: Context): TrustProxyMode {
  if (!ctx.app.proxy) return 'off';
  return ctx.app.maxIpsCount > 0 ? 'restricted' : 'permissive';
}
