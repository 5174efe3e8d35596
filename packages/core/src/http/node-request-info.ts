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
  // Declared, not defined (`declare`, TypeScript-private): one is built per guarded request, and a
  // class that defines fields, `#private` ones included, runs an initializer function before its
  // constructor, which V8 does not inline into the adapters' request hooks.
  declare readonly source: TSource;
  declare readonly ip: string;
  declare readonly method: string;
  declare readonly path: string;
  declare private readonly routePattern: string | undefined;
  declare private readonly userValue: unknown;
  declare private readHeader: ((name: string) => string | undefined) | undefined;

  constructor(source: TSource, ip: string, method: string, path: string, route: string | undefined, user: unknown) {
    this.source = source;
    this.ip = ip;
    this.method = method;
    this.path = path;
    this.routePattern = route;
    this.userValue = user;
    this.readHeader = undefined;
  }

  /**
   * The matched route pattern, as given. A getter, so that an adapter whose framework makes every
   * read of its request costly (Express) can subclass this and read it only when asked.
   */
  get route(): string | undefined {
    return this.routePattern;
  }

  /** The authenticated user, as given; a getter for the same reason as {@link NodeRequestInfo.route}. */
  get user(): unknown {
    return this.userValue;
  }

  /** One request header (lower-case name), a repeated field's values joined with `, `. */
  get header(): (name: string) => string | undefined {
    return (this.readHeader ??= headerReader(this.source.headers));
  }
}
