import { Dashboard, dashboardPageHeaders, dashboardStreamHeaders, type DashboardOptions } from '@breakwater/core';
import type { RequestHandler } from 'express';

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
export function dashboard(options: DashboardOptions): RequestHandler {
  const board = new Dashboard(options);
  return (req, res, next) => {
    const route = board.route(req.method, req.path);
    if (route === undefined) return next();
    if (route === 'page') {
      res.status(200).set(dashboardPageHeaders).send(board.page);
      return;
    }
    res.writeHead(200, dashboardStreamHeaders);
    res.once('close', board.connect((chunk) => res.write(chunk)));
  };
}
