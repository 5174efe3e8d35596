import { checkForwarding, headerValue, setResponseFields, representationHeaders, serializeBody, statusOf, type GuardPipeline, type HttpResponse, type HttpSetup, type Ticket } from '@breakwater/core';
import type { Context, Middleware, Next } from 'koa';
import { ClientIp } from './client-ip.js';
import { requestInfo, trustProxyMode } from './request-info.js';

/** Answers through Koa (the normal path). */
export function respond(ctx: Context, response: HttpResponse): void {
  const { payload, contentType } = serializeBody(response);
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.type = contentType;
  ctx.body = payload;
}

/** Answers on the raw response at the deadline, while the handler is still running; Koa then skips its own reply. */
function respondNow(ctx: Context, response: HttpResponse): void {
  if (ctx.res.headersSent || ctx.res.writableEnded) return;
  ctx.respond = false;
  const { payload, contentType } = serializeBody(response);
  ctx.res.writeHead(response.status, { ...response.headers, 'content-type': contentType });
  ctx.res.end(payload);
}

/**
 * The one Koa middleware every factory returns: runs the guards `select` picks for the request's
 * method and path, then settles the ticket after `await next()` from the status (or the error
 * thrown), releasing it if the client left.
 */
export function guardMiddleware(setup: HttpSetup, select: (method: string, path: string) => GuardPipeline | undefined): Middleware {
  const clientIp = new ClientIp();
  return async (ctx: Context, next: Next) => {
    // On `ctx.request`, not through the context's shortcuts: see `requestInfo`.
    const request = ctx.request;
    const method = request.method;
    const path = request.path;
    const guards = select(method, path);
    if (guards === undefined) return next();
    const info = requestInfo(ctx, clientIp.of(ctx), method, path);
    checkForwarding(setup.warnings, trustProxyMode(ctx), headerValue(ctx.req.headers, 'x-forwarded-for'));
    const timed = guards.guards.timeout !== undefined;
    const pending = guards.admit(info, timed ? (response) => respondNow(ctx, response) : undefined);
    const result = 'then' in pending ? await pending : pending;
    if (!result.admitted) return respond(ctx, result.response);
    const ticket = result.ticket;
    // On the raw response: Koa's `ctx.set` builds four arrays and a closure per call.
    const res = ctx.res;
    setResponseFields(res, ticket.headers);
    // A deadline may pass after the client left: the ticket must know, so as not to count a timeout.
    if (timed) res.once('close', () => void (res.writableFinished || ticket.abandon()));
    let thrown: { readonly error: unknown } | undefined;
    try {
      await next();
    } catch (error) {
      if (!ticket.intercepts(statusOf(error) ?? 500, error)) {
        ticket.fail(error);
        throw error;
      }
      thrown = { error };
    }
    // Read on `ctx.response`, not through the context's shortcuts: see `requestInfo`.
    const response = ctx.response;
    // The client went away while the handler ran: nothing to learn from this request.
    if (!response.writable) {
      if (thrown === undefined) return ticket.release();
      ticket.fail(thrown.error);
      throw thrown.error;
    }
    const status = response.status;
    if (thrown !== undefined || ticket.intercepts(status)) return recover(ctx, ticket, thrown);
    if (ticket.remembers) ticket.remember({ status, headers: { 'content-type': response.get('content-type') }, body: response.body });
    ticket.finish(status);
  };
}

/**
 * The handler failed (a failure status, or `thrown`): the fallback answers if it has something;
 * otherwise the handler's response stands (or its error goes on to Koa). A thrown error the fallback
 * answered is still emitted as the app's `error` event, so that it is logged.
 */
async function recover(ctx: Context, ticket: Ticket, thrown: { readonly error: unknown } | undefined): Promise<void> {
  const status = thrown === undefined ? ctx.status : (statusOf(thrown.error) ?? 500);
  const response = ctx.headerSent || ctx.respond === false ? undefined : await ticket.recover(status, thrown?.error);
  if (response === undefined) {
    if (thrown !== undefined) throw thrown.error;
    return ticket.finish(ctx.status);
  }
  for (const name of representationHeaders) ctx.remove(name);
  respond(ctx, response);
  if (thrown !== undefined) ctx.app.emit('error', thrown.error, ctx);
}
