import { breakerHealth, breakerHealthPath, checkForwarding, httpSetup, mergeFieldValue, Registry, type GuardPipeline, type GuardResult, type Ticket } from '@breakwater/core';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requestInfo, trustProxyMode } from './request-info.js';
import { replace, send } from './send.js';
import type { BreakwaterFastifyOptions } from './types.js';

/**
 * Where a request's ticket lives: a request decoration, set up by Fastify in every request's
 * constructor. A WeakMap entry per request (an ephemeron for the garbage collector) multiplied the
 * GC time per request about tenfold in the HTTP benchmark; a property of the request costs nothing.
 */
const ticketKey = Symbol('breakwater.ticket');
type TicketHolder = { [ticketKey]: Ticket | null };
const ticketOf = (request: FastifyRequest): Ticket | null => (request as unknown as TicketHolder)[ticketKey];

const plugin: FastifyPluginAsync<BreakwaterFastifyOptions> = async (fastify: FastifyInstance, options: BreakwaterFastifyOptions) => {
  // Registering twice is safe: the first registration's hooks already guard every route.
  if (fastify.hasDecorator('breakwater')) return;
  const { global, routes, health, ...http } = options;
  const registry = http.registry ?? new Registry();
  const setup = httpSetup('breakwater', { ...http, registry });
  const table = routes === undefined ? undefined : setup.table(routes);
  const fallbackGuards = global === undefined ? undefined : setup.pipeline(global);
  const perRoute = new WeakMap<object, GuardPipeline>();
  const trust = trustProxyMode(fastify);
  fastify.decorate('breakwater', { registry });
  fastify.decorateRequest(ticketKey, null);
  if (health !== undefined) {
    const base = health.path ?? breakerHealthPath;
    const answer = (name: string | undefined, reply: FastifyReply) => send(reply, breakerHealth(registry, name, health));
    fastify.get(base, { config: { breakwater: false } }, (_request, reply) => answer(undefined, reply));
    fastify.get<{ Params: { name: string } }>(`${base}/:name`, { config: { breakwater: false } }, (request, reply) => answer(request.params.name, reply));
  }

  const select = (request: FastifyRequest): GuardPipeline | undefined => {
    const config = request.routeOptions.config as { breakwater?: unknown } | undefined;
    const own = config?.breakwater;
    if (own === false) return undefined;
    if (typeof own === 'object' && own !== null) {
      let guards = perRoute.get(own);
      if (guards === undefined) perRoute.set(own, (guards = setup.pipeline(own)));
      return guards;
    }
    return table?.match(request.method, requestInfo(request).path) ?? fallbackGuards;
  };

  // Callback-style hooks: no promise per hook per request on the synchronous (memory store) path.
  fastify.addHook('onRequest', (request, reply, done) => {
    const guards = select(request);
    if (guards === undefined) return done();
    const info = requestInfo(request);
    checkForwarding(setup.warnings, trust, info.header('x-forwarded-for'));
    const proceed = (result: GuardResult): void => {
      if (!result.admitted) {
        void send(reply, result.response);
        return;
      }
      (request as unknown as TicketHolder)[ticketKey] = result.ticket;
      // The client left while a remote store decided: onRequestAbort found no ticket, so mark it here.
      if (request.raw.destroyed) result.ticket.abandon();
      for (const [name, value] of Object.entries(result.ticket.headers)) reply.header(name, mergeFieldValue(name, reply.getHeader(name), value));
      done();
    };
    const pending = guards.admit(info, (response) => {
      if (!reply.sent) void send(reply, response);
    });
    if ('then' in pending) pending.then(proceed, () => void send(reply, { status: 503, headers: {}, body: 'Service Unavailable' }));
    else proceed(pending);
  });
  const errors = new WeakMap<FastifyRequest, unknown>();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const ticket = ticketOf(request);
    if (ticket === null) return done(null, payload);
    // The handler sends after its client left: its work is over, the permits are freed, nothing counted.
    if (ticket.abandoned) {
      ticket.release();
      return done(null, payload);
    }
    const error = errors.get(request);
    if (ticket.intercepts(reply.statusCode, error)) {
      void ticket.recover(reply.statusCode, error).then((response) => done(null, response === undefined ? payload : replace(reply, payload, response)));
      return;
    }
    if (ticket.remembers && typeof payload === 'string') {
      const type = reply.getHeader('content-type');
      ticket.remember({ status: reply.statusCode, headers: typeof type === 'string' ? { 'content-type': type } : {}, body: payload });
    }
    done(null, payload);
  });
  // The error is judged when the response ends (or replaced by the fallback in onSend).
  fastify.addHook('onError', (request, _reply, error, done) => {
    errors.set(request, error);
    done();
  });
  // The handler may still run: the permits (a bulkhead slot) stay held until it sends (onSend) or the
  // deadline passes. A handler that never sends after an abort keeps them until the deadline.
  fastify.addHook('onRequestAbort', (request, done) => {
    ticketOf(request)?.abandon();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const ticket = ticketOf(request);
    if (ticket === null) return done();
    const error = errors.get(request);
    if (error === undefined) ticket.finish(reply.statusCode);
    else ticket.fail(error);
    done();
  });
};

/**
 * The Breakwater Fastify plugin: guards every route by its `config.breakwater` (or `false` to opt
 * out), the route table, or the `global` guards, and decorates the instance with the registry.
 *
 * @example
 * ```ts
 * await app.register(breakwater, { global: { rateLimit: { name: 'api', limits: [{ capacity: 100, refillRate: 10 }] } } });
 * app.get('/pay', { config: { breakwater: { circuitBreaker: { name: 'payments' } } } }, handler);
 * ```
 */
export const breakwater = fp(plugin, { fastify: '5.x', name: '@breakwater/fastify' });
