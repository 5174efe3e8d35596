import { Dashboard, dashboardPageHeaders, dashboardStreamHeaders, type DashboardOptions, type Registry } from '@breakwater/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Options of the Fastify {@link dashboard}: `registry` defaults to the Breakwater plugin's. */
export type FastifyDashboardOptions = Omit<DashboardOptions, 'registry'> & { readonly registry?: Registry };

/**
 * A plugin serving the live dashboard: `GET <path>` (default `/dashboard`) is one self-contained
 * page, and `GET <path>/events` streams the registry's policies to it with Server-Sent Events every
 * `interval`. Without `registry`, it shows the Breakwater plugin's (`app.breakwater.registry`). The
 * routes opt out of the guards (`config.breakwater: false`); a stream stops when its client goes away,
 * and `app.close()` ends every open stream.
 *
 * @example
 * ```ts
 * await app.register(breakwater, { routes });
 * await app.register(dashboard({ quotaKeys: ['key:demo'] }));
 * ```
 */
export function dashboard(options: FastifyDashboardOptions = {}): FastifyPluginAsync {
  return async (fastify) => {
    const registry = options.registry ?? (fastify.hasDecorator('breakwater') ? fastify.breakwater.registry : undefined);
    const board = new Dashboard({ ...options, registry: registry as Registry });
    const path = board.options.path;
    const config = { breakwater: false as const };
    const page = (_request: FastifyRequest, reply: FastifyReply) => reply.code(200).headers(dashboardPageHeaders).send(board.page);
    const base = path === '/' ? '' : path;
    fastify.get(path, { config }, page);
    if (base !== '') fastify.get(`${base}/`, { config }, page);
    const open = new Set<() => void>();
    fastify.get(`${base}/events`, { config }, (_request, reply) => {
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, dashboardStreamHeaders);
      const stop = board.connect((chunk) => response.write(chunk));
      const end = (): void => {
        open.delete(end);
        stop();
        response.end();
      };
      open.add(end);
      response.once('close', end);
    });
    // An open page would otherwise keep its connection busy and `app.close()` waiting for it.
    fastify.addHook('preClose', (done) => {
      for (const end of [...open]) end();
      done();
    });
  };
}
