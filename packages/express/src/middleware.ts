import { serializeBody, setResponseFields, type FieldResponse, type GuardPipeline, type GuardResult, type HttpResponse, type HttpSetup, type Ticket } from '@breakwater/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForwardingCheck } from './forwarding-check.js';
import { freshMapRead } from './fresh-map-read.js';
import { interceptFailures } from './intercept.js';
import { appOf, pathOf, requestInfo, trustProxyMode } from './request-info.js';
import { socketOf } from './request-socket.js';
import { watchEnd, type EndWatch } from './response-end.js';

/** Writes a core response unless the handler already answered. */
export function write(res: Response, response: HttpResponse): void {
  if (res.headersSent || res.writableEnded) return;
  const { payload, contentType } = serializeBody(response);
  res.status(response.status).set(response.headers).type(contentType).send(payload);
}

/**
 * The one Express middleware every factory returns: runs the guards `select` picks for the request,
 * and settles the ticket when the response has finished (see {@link watchEnd}). When the client goes
 * away first, nothing is counted, but the permits (a bulkhead slot) stay held until the handler ends
 * the response: see {@link releaseWhenHandlerEnds}.
 */
export function guardMiddleware(setup: HttpSetup, select: (method: string, path: string) => GuardPipeline | undefined): RequestHandler {
  const forwarding = new ForwardingCheck(setup.warnings);
  return (req: Request, res: Response, next: NextFunction) => {
    const method = req.method;
    const path = pathOf(req);
    const guards = select(method, path);
    if (guards === undefined) return next();
    const trustProxy = trustProxyMode(appOf(req));
    const socket = socketOf(req);
    const info = requestInfo(req, socket, method, path, trustProxy);
    forwarding.check(req, trustProxy);
    // Watched before any await, so that no ending can be missed.
    const guarded = new GuardedResponse(res, next);
    watchEnd(res, socket, guarded);
    const result = guards.admit(info, guards.guards.timeout === undefined ? undefined : (response) => write(res, response));
    // Synchronous with the memory store: no promise, no extra turn of the event loop.
    if ('then' in result) result.then((settled) => guarded.proceed(settled), () => write(res, { status: 503, headers: {}, body: 'Service Unavailable' }));
    else guarded.proceed(result);
  };
}

/** One guarded request's response: admits or refuses it, then settles its ticket when it ends. */
class GuardedResponse implements EndWatch {
  declare readonly res: Response;
  declare private readonly next: NextFunction;
  declare private ticket: Ticket | undefined;
  declare private left: boolean;

  constructor(res: Response, next: NextFunction) {
    this.res = res;
    this.next = next;
    this.ticket = undefined;
    this.left = false;
  }

  proceed(result: GuardResult): void {
    const res = this.res;
    if (!result.admitted) return write(res, result.response);
    const ticket = (this.ticket = result.ticket);
    if (this.left) return ticket.release();
    setResponseFields(res, ticket.headers, headersSentOf);
    if (ticket.remembers) remember(res, ticket);
    if (ticket.recovers) interceptFailures(res, ticket, write);
    this.next();
  }

  finished(status: number): void {
    this.ticket?.finish(status);
  }

  gone(): void {
    this.left = true;
    if (this.ticket !== undefined) releaseWhenHandlerEnds(this.res, this.ticket);
  }
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

/** `res.headersSent` without the runtime lookup a plain read costs an Express response (see `freshMapRead`). */
const headersSentOf = (res: FieldResponse): boolean => freshMapRead<boolean>(res, 'headersSent');

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
