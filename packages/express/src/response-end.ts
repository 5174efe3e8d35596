import { subscribe } from 'node:diagnostics_channel';
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Response } from 'express';
import { freshMapRead } from './fresh-map-read.js';

/** What the middleware does when its response ends, one way or the other. */
export interface EndWatch {
  /** The response it watches. */
  readonly res: Response;
  /** The response was handed to the socket in full, with this status. */
  finished(status: number): void;
  /** The response closed before it was finished: the client went away, or the handler destroyed it. */
  gone(): void;
}

/**
 * The responses in flight on one connection (more than one only when the client pipelines), and
 * whether Node's `http.server.response.finish` channel has been seen reporting this connection's
 * responses.
 */
class Connection {
  /** Watches that rely on the channel and on this connection's `close`: none has a listener of its own. */
  readonly pending: EndWatch[] = [];
  /** The channel reported a response of this connection before the response's own `close`. */
  verified = false;

  constructor(socket: Socket) {
    socket.once('close', () => {
      for (const watch of this.pending.splice(0)) watch.gone();
    });
  }

  /** Settles `res`'s watch if it is one of the pending ones; true when it was. */
  finish(res: unknown): boolean {
    const pending = this.pending;
    // Responses finish in the order their requests came, so the first one is nearly always it.
    let watch: EndWatch | undefined;
    if (pending.length > 0 && pending[0]!.res === res) watch = pending.shift();
    else {
      const index = pending.findIndex((pended) => pended.res === res);
      if (index < 0) return false;
      watch = pending.splice(index, 1)[0];
    }
    watch!.finished(freshMapRead<number>(res as ServerResponse, 'statusCode'));
    return true;
  }
}

const connections = new WeakMap<Socket, Connection>();
let subscribed = false;

/** Node publishes every HTTP/1 server response's `finish` here, with the request's socket. */
function onResponseFinish(message: unknown): void {
  const { response, socket } = message as { response: unknown; socket: Socket };
  connections.get(socket)?.finish(response);
}

/**
 * Calls `watch.finished(status)` when `res` has been handed to the socket, or `watch.gone()` when it
 * closes first; exactly one of them, once.
 *
 * Why not just `res.on('close')`: Express gives every response a prototype of its own app's, and V8
 * then gives each response object a map of its own as soon as a property is added to it, so that
 * every property that a request's code reads for the first time misses V8's caches and is looked up
 * in the runtime (about 2,000 instructions each). A listener on the response reads and writes four
 * of them (`on`, `_events`, `_eventsCount`), and the ending then reads `writableFinished`. Node's
 * HTTP server publishes each response's `finish` on the `http.server.response.finish` diagnostics
 * channel, with its socket, whose map is stable: the middleware keeps its watches per connection,
 * settles them from the channel, and treats the connection's `close` as the client going away.
 *
 * The channel reports only responses of a `node:http` server; a response built by a test tool or
 * another server never shows up there. So a connection relies on the channel only after the channel
 * reported one of its responses before that response's `close`; until then (a connection's first
 * request, or any response that is not a `node:http` one) the response's own `close` decides.
 */
export function watchEnd(res: Response, socket: Socket | undefined, watch: EndWatch): void {
  // Closed while earlier middleware awaited: neither the socket nor the response will say so again.
  if (socket?.destroyed === true) return watch.gone();
  const connection = socket === undefined ? undefined : (connections.get(socket) ?? newConnection(socket, res));
  if (connection?.verified === true) {
    connection.pending.push(watch);
    return;
  }
  const relay = connection === undefined ? undefined : new ChannelProbe(connection, watch);
  res.on('close', () => {
    if (relay?.reported() === true) return;
    if (res.writableFinished) watch.finished(res.statusCode);
    else watch.gone();
  });
}

/**
 * The first watch on `socket`: a connection is kept only for a `node:http` response (any other one
 * never shows up on the channel), so later responses on the socket need not be checked again.
 */
function newConnection(socket: Socket, res: Response): Connection | undefined {
  if (!(res instanceof ServerResponse)) return undefined;
  if (!subscribed) {
    subscribe('http.server.response.finish', onResponseFinish);
    subscribed = true;
  }
  const connection = new Connection(socket);
  connections.set(socket, connection);
  return connection;
}

/**
 * On a connection not yet verified, the response's own `close` settles the watch; this finds out
 * whether the channel reported the response first, and if so, marks the connection verified.
 */
class ChannelProbe implements EndWatch {
  readonly res: Response;
  readonly #connection: Connection;
  readonly #watch: EndWatch;
  #reported = false;

  constructor(connection: Connection, watch: EndWatch) {
    this.res = watch.res;
    this.#connection = connection;
    this.#watch = watch;
    connection.pending.push(this);
  }

  finished(status: number): void {
    this.#reported = true;
    this.#connection.verified = true;
    this.#watch.finished(status);
  }

  /** The connection closed: the response's own `close` will settle the watch. */
  gone(): void {}

  /** True when the channel settled the watch; otherwise the probe leaves the connection's list. */
  reported(): boolean {
    if (!this.#reported) {
      const pending = this.#connection.pending;
      const index = pending.indexOf(this);
      if (index >= 0) pending.splice(index, 1);
    }
    return this.#reported;
  }
}
