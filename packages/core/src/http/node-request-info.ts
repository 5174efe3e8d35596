import { headerReader, type NodeHeaders } from './request-headers.js';
import type { RequestInfo } from './request-info.js';

/**
 * The {@link RequestInfo} of a request that carries Node's headers (`IncomingMessage`, a Fastify
 * request, Express's `req`): what every adapter builds per request. `header` is made only when read
 * (by an API-key client key, say), and it is a getter, so it can still be destructured.
 *
 * @example
 * ```ts
 * const info = new NodeRequestInfo(req, req.socket.remoteAddress ?? '', req.method ?? 'GET', '/orders', undefined, undefined);
 * info.header('x-api-key');
 * ```
 */
export class NodeRequestInfo<TSource extends { readonly headers: NodeHeaders } = { readonly headers: NodeHeaders }> implements RequestInfo {
  readonly source: TSource;
  readonly ip: string;
  readonly method: string;
  readonly path: string;
  readonly #route: string | undefined;
  readonly #user: unknown;
  #header: ((name: string) => string | undefined) | undefined;

  constructor(source: TSource, ip: string, method: string, path: string, route: string | undefined, user: unknown) {
    this.source = source;
    this.ip = ip;
    this.method = method;
    this.path = path;
    this.#route = route;
    this.#user = user;
  }

  /**
   * The matched route pattern, as given. A getter, so that an adapter whose framework makes every
   * read of its request costly (Express) can subclass this and read it only when asked.
   */
  get route(): string | undefined {
    return this.#route;
  }

  /** The authenticated user, as given; a getter for the same reason as {@link NodeRequestInfo.route}. */
  get user(): unknown {
    return this.#user;
  }

  /** One request header (lower-case name), a repeated field's values joined with `, `. */
  get header(): (name: string) => string | undefined {
    return (this.#header ??= headerReader(this.source.headers));
  }
}
