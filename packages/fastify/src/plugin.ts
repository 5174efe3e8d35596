import { breakerHealth, breakerHealthPath, checkForwarding, headerValue, httpSetup, pathWithoutQuery, Registry, type GuardPipeline, type GuardResult, type HttpResponse, type Ticket } from '@breakwater/core';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { requestInfo, trustProxyMode } from './request-info.js';
import { RouteConfigReader, type RouteConfig } from './route-config.js';
import { replace, send } from './send.js';
import type { BreakwaterFastifyOptions } from './types.js';

/**
 * Where a request's ticket lives: a request decoration, set up by Fastify in every request's
 * constructor. A WeakMap entry per request (an ephemeron for the garbage collector) multiplied the
 * GC time per request about tenfold in the HTTP benchmark. The only one: Fastify sets each
 * decoration in a loop whose keyed store V8 cannot specialise, about 200 instructions per request
 * each, so the error the handler threw (onError) is kept on the ticket (`thrown`), not beside it.
 */
const ticketKey = Symbol('breakwater.ticket');
type TicketHolder = { [ticketKey]: Ticket | null };
const ticketOf = (request: FastifyRequest): Ticket | null => (request as unknown as TicketHolder)[ticketKey];

/** A guard's answer, synchronous or not: the request goes on with its ticket, or the refusal is sent. */
function proceed(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, result: GuardResult): void {
  if (!result.admitted) {
    void send(reply, result.response);
    return;
  }
  const ticket = result.ticket;
  (request as unknown as TicketHolder)[ticketKey] = ticket;
  settleOnClose(reply, ticket);
  // The client left while a remote store decided: its close went by before the listener was there.
  if (request.raw.destroyed) ticket.abandon();
  // Set, not merged with an earlier value (as Express and Koa stacks must): a request passes one
  // pipeline here, so no other Breakwater guard wrote these fields, and reading them back would cost
  // two more header-name lowercasings per request.
  const headers = ticket.headers;
  for (const name in headers) reply.header(name, headers[name] as string);
  done();
}

/**
 * Settles the ticket from the handler's ending: the thrown error `onError` saw, else the status.
 * After the client left (the ticket abandoned), releases instead.
 */
function judge(reply: FastifyReply, ticket: Ticket): void {
  const error = ticket.thrown;
  if (error === undefined) ticket.finish(reply.statusCode);
  else ticket.fail(error);
}

/**
 * The raw response's `close` settles what `onSend` leaves open: a hijacked reply (no `onSend`), a
 * streamed payload (it ends after `onSend`) and a client that left first. One listener per request
 * does it; Fastify's `onResponse` and `onRequestAbort` hooks would cost each request a closure, two
 * listeners and two clock reads more, about a third of the whole stack's instructions.
 */
function settleOnClose(reply: FastifyReply, ticket: Ticket): void {
  const res = reply.raw;
  res.on('close', () => {
    if (ticket.settled) return;
    if (res.writableFinished) return judge(reply, ticket);
    // The client left before the response ended. A handler whose reply went out (headers written: a
    // payload being streamed) or that hijacked the response is done: release. Otherwise it may still
    // run, and the permits stay held until it sends (onSend releases then) or the deadline passes.
    if (reply.sent || res.headersSent) ticket.release();
    else ticket.abandon();
  });
}

/** A payload Fastify pipes to the response (a stream), which goes on after `onSend`. */
function isStream(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && typeof (payload as { pipe?: unknown }).pipe === 'function';
}

const unavailable: HttpResponse = { status: 503, headers: {}, body: 'Service Unavailable' };

const plugin: FastifyPluginAsync<BreakwaterFastifyOptions> = async (fastify: FastifyInstance, options: BreakwaterFastifyOptions) => {
  // Registering twice is safe: the first registration's hooks already guard every route.
  if (fastify.hasDecorator('breakwater')) return;
  const { global, routes, health, ...http } = options;
  const registry = http.registry ?? new Registry();
  // One pipeline per request (the hooks pick one): no request can be counted twice, so none is checked.
  const setup = httpSetup('breakwater', { ...http, registry }, { onePipelinePerRequest: true });
  const table = routes === undefined ? undefined : setup.table(routes);
  const fallbackGuards = global === undefined ? undefined : setup.pipeline(global);
  const perRoute = new WeakMap<object, GuardPipeline>();
  const trust = trustProxyMode(fastify);
  const routeConfig = new RouteConfigReader();
  fastify.decorate('breakwater', { registry });
  fastify.decorateRequest(ticketKey, null);
  if (health !== undefined) {
    const base = health.path ?? breakerHealthPath;
    const answer = (name: string | undefined, reply: FastifyReply) => send(reply, breakerHealth(registry, name, health));
    fastify.get(base, { config: { breakwater: false } }, (_request, reply) => answer(undefined, reply));
    fastify.get<{ Params: { name: string } }>(`${base}/:name`, { config: { breakwater: false } }, (request, reply) => answer(request.params.name, reply));
  }

  const select = (method: string, path: string, config: RouteConfig | undefined): GuardPipeline | undefined => {
    const own = config?.breakwater;
    if (own === false) return undefined;
    if (typeof own === 'object' && own !== null) {
      let guards = perRoute.get(own);
      if (guards === undefined) perRoute.set(own, (guards = setup.pipeline(own)));
      return guards;
    }
    return table?.match(method, path) ?? fallbackGuards;
  };

  // Callback-style hooks: no promise per hook per request on the synchronous (memory store) path.
  fastify.addHook('onRequest', (request, reply, done) => {
    const config = routeConfig.read(request);
    // The path without the query, worked out once for the route table and the request info.
    const path = pathWithoutQuery(request.url);
    const guards = select(request.method, path, config);
    if (guards === undefined) return done();
    const info = requestInfo(request, config?.url, path, trust);
    checkForwarding(setup.warnings, trust, headerValue(request.headers, 'x-forwarded-for'));
    const onTimeout = guards.guards.timeout === undefined ? undefined : (response: HttpResponse) => {
      if (!reply.sent) void send(reply, response);
    };
    const pending = guards.admit(info, onTimeout);
    if ('then' in pending) pending.then((result) => proceed(request, reply, done, result), () => void send(reply, unavailable));
    else proceed(request, reply, done, pending);
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const ticket = ticketOf(request);
    if (ticket === null) return done(null, payload);
    // The handler sends after its client left: its work is over, the permits are freed, nothing counted.
    if (ticket.abandoned) {
      ticket.release();
      return done(null, payload);
    }
    const error = ticket.thrown;
    if (ticket.intercepts(reply.statusCode, error)) {
      void ticket.recover(reply.statusCode, error).then((response) => done(null, response === undefined ? payload : replace(reply, payload, response)));
      return;
    }
    if (ticket.remembers && typeof payload === 'string') {
      const type = reply.getHeader('content-type');
      ticket.remember({ status: reply.statusCode, headers: typeof type === 'string' ? { 'content-type': type } : {}, body: payload });
    }
    // A streamed payload holds its permits until it ends: the close listener settles it then.
    if (!isStream(payload)) judge(reply, ticket);
    done(null, payload);
  });
  // The error is judged when the handler's reply is sent (or replaced by the fallback in onSend).
  fastify.addHook('onError', (request, _reply, error, done) => {
    const ticket = ticketOf(request);
    if (ticket !== null) ticket.thrown = error;
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
