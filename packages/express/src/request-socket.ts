import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { Request } from 'express';

/** Node's message for a request its HTTP server just parsed, before the `request` event. */
interface RequestStart {
  readonly request: unknown;
  readonly socket: Socket;
}

let started: RequestStart | undefined;
let subscribed = false;

/**
 * `req.socket`, without reading it from the request when it can. Reading a property of an Express
 * request costs a lookup in V8's runtime (see `watchEnd`). Node's HTTP server publishes each request
 * on the `http.server.request.start` diagnostics channel, with its socket, just before it hands the
 * request to Express; when the middleware runs in that same turn (no asynchronous middleware before
 * it), the latest message is this request's, and its socket is read there, on an object whose map is
 * stable. Otherwise (another request started since, or a request no `node:http` server parsed) it is
 * `req.socket`.
 */
export function socketOf(req: Request): Socket | undefined {
  if (!subscribed) {
    subscribe('http.server.request.start', (message) => void (started = message as RequestStart));
    subscribed = true;
  }
  const latest = started;
  if (latest === undefined || latest.request !== req) return req.socket as Socket | undefined;
  // Not kept past its use: an idle server would otherwise hold its last request.
  started = undefined;
  return latest.socket;
}
