import { checkForwarding, headerValue, mergeFieldValue, serializeBody, type GuardPipeline, type GuardResult, type HttpResponse, type HttpSetup, type Ticket } from '@breakwater/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { interceptFailures } from './intercept.js';
import { pathOf, requestInfo, trustProxyMode } from './request-info.js';

/** Writes a core response unless the handler already answered. */
export function write(res: Response, response: HttpResponse): void {
  if (res.headersSent || res.writableEnded) return;
  const { payload, contentType } = serializeBody(response);
  res.status(response.status).set(response.headers).type(contentType).send(payload);
}

/**
 * The one Express middleware every factory returns: runs the guards `select` picks for the request,
 * and settles the ticket when the response has finished (its `close`, after `finish`). When the
 * client goes away first (`close` before `finish`), nothing is counted, but the permits (a bulkhead
 * slot) stay held until the handler ends the response: see {@link releaseWhenHandlerEnds}.
 */
export function guardMiddleware(setup: HttpSetup, select: (method: string, path: string) => GuardPipeline | undefined): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const method = req.method;
    const path = pathOf(req);
    const guards = select(method, path);
    if (guards === undefined) return next();
    const trustProxy = trustProxyMode(req.app);
    const info = requestInfo(req, method, path, trustProxy);
    checkForwarding(setup.warnings, trustProxy, headerValue(req.headers, 'x-forwarded-for'));
    let ticket: Ticket | undefined;
    let gone = false;
    // Attached before any await, so that no completion can be missed. A response emits `close`
    // after `finish` too, so one listener (not a `once` pair, each with its wrapper) sees both endings.
    res.on('close', () => {
      if (res.writableFinished) return ticket?.finish(res.statusCode);
      gone = true;
      if (ticket !== undefined) releaseWhenHandlerEnds(res, ticket);
    });
    const proceed = (result: GuardResult): void => {
      if (!result.admitted) return write(res, result.response);
      ticket = result.ticket;
      if (gone) return ticket.release();
      const headers = ticket.headers;
      for (const name in headers) res.setHeader(name, mergeFieldValue(name, res.getHeader(name), headers[name] as string));
      if (ticket.remembers) remember(res, ticket);
      if (ticket.recovers) interceptFailures(res, ticket, write);
      next();
    };
    const result = guards.admit(info, guards.guards.timeout === undefined ? undefined : (response) => write(res, response));
    // Synchronous with the memory store: no promise, no extra turn of the event loop.
    if ('then' in result) result.then(proceed, () => write(res, { status: 503, headers: {}, body: 'Service Unavailable' }));
    else proceed(result);
  };
}

/**
 * The client left while the handler runs. Express emits no `finish` after that, and the handler's
 * promise is not ours to see, so the handler's call to `res.end()` (which `send`, `json` and error
 * handlers make) is the end of its work: the ticket is released then, or at once if it already
 * ended. A handler that never ends the response keeps its permits until the route's deadline.
 */
function releaseWhenHandlerEnds(res: Response, ticket: Ticket): void {
  ticket.abandon();
  if (res.writableEnded) return ticket.release();
  const end = res.end;
  res.end = function (this: Response, ...args: unknown[]) {
    res.end = end;
    ticket.release();
    return (end as (...a: unknown[]) => Response).apply(this, args);
  } as Response['end'];
}

/** Keeps the body the handler sends, for the last-good fallback. */
function remember(res: Response, ticket: Ticket): void {
  const send = res.send;
  let body: unknown;
  res.send = function (this: Response, chunk?: unknown) {
    body = chunk;
    return send.call(this, chunk);
  };
  res.once('finish', () => {
    const contentType = res.get('content-type');
    ticket.remember({ status: res.statusCode, headers: contentType === undefined ? {} : { 'content-type': contentType }, body: Buffer.isBuffer(body) ? body.toString() : body });
  });
}
