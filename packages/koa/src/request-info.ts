import { NodeRequestInfo, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { Context } from 'koa';

/** Maps a Koa context to the core's {@link RequestInfo}; `ctx.ip` honours `app.proxy`. */
export function requestInfo(ctx: Context): RequestInfo {
  return new NodeRequestInfo(ctx.req, ctx.ip, ctx.method, ctx.path, (ctx as Context & { _matchedRoute?: string })._matchedRoute, (ctx.state as { user?: unknown }).user);
}

/** How the app trusts proxies: `proxy` with no `maxIpsCount` trusts any number of hops. */
export function trustProxyMode(ctx: Context): TrustProxyMode {
  if (!ctx.app.proxy) return 'off';
  return ctx.app.maxIpsCount > 0 ? 'restricted' : 'permissive';
}
