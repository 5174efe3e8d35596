import type { RequestInfo, TrustProxyMode } from '@breakwater/core';
import type { Context } from 'koa';

/** Maps a Koa context to the core's {@link RequestInfo}; `ctx.ip` honours `app.proxy`. */
export function requestInfo(ctx: Context): RequestInfo {
  return {
    ip: ctx.ip,
    method: ctx.method,
    path: ctx.path,
    route: (ctx as Context & { _matchedRoute?: string })._matchedRoute,
    header: (name) => {
      const value = ctx.req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    source: ctx.req,
    user: (ctx.state as { user?: unknown }).user,
  };
}

/** How the app trusts proxies: `proxy` with no `maxIpsCount` trusts any number of hops. */
export function trustProxyMode(ctx: Context): TrustProxyMode {
  if (!ctx.app.proxy) return 'off';
  return ctx.app.maxIpsCount > 0 ? 'restricted' : 'permissive';
}
