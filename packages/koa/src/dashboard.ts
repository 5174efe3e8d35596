import { Dashboard, dashboardPageHeaders, dashboardStreamHeaders, type DashboardOptions } from '@breakwater/core';
import type { Middleware } from 'koa';

export type { DashboardOptions } from '@breakwater/core';

/**
 * Serves the live dashboard: `GET <path>` (default `/dashboard`) is one self-contained page, and
 * `GET <path>/events` streams the registry's policies to it with Server-Sent Events every `interval`.
 * Other requests pass through. The stream stops when the client goes away.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * app.use(resilience({ registry, routes }));
 * app.use(dashboard({ registry, quotaKeys: ['key:demo'] }));
 * ```
 */
export function dashboard(options: DashboardOptions): Middleware {
  const board = new Dashboard(options);
  return async (ctx, next) => {
    const route = board.route(ctx.method, ctx.path);
    if (route === undefined) return next();
    if (route === 'page') {
      ctx.status = 200;
      ctx.set(dashboardPageHeaders);
      ctx.body = board.page;
      return;
    }
    // The stream is written to the response directly: as a Koa stream body, every client that
    // leaves (the normal end of an event stream) would be logged as a "Premature close" error.
    ctx.respond = false;
    ctx.res.writeHead(200, dashboardStreamHeaders);
    ctx.res.once('close', board.connect((chunk) => ctx.res.write(chunk)));
  };
}
