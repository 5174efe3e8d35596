/**
 * What an adapter tells the core about one request. Adapters build it from the framework's request;
 * `ip` is the address the framework's own trust-proxy setting resolved.
 *
 * @example
 * ```ts
 * const info: RequestInfo = { ip: req.ip ?? '', method: req.method, path: req.path, route: undefined, header: (name) => req.get(name) };
 * ```
 */
export interface RequestInfo {
  /** The client address after the framework's trust-proxy handling; '' when unknown. */
  readonly ip: string;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The matched route pattern, when the framework knows it (`/users/:id`). */
  readonly route?: string | undefined;
  /** One request header, lower-case name; undefined when absent. */
  header(name: string): string | undefined;
  /** The framework's request object: identifies the request for per-request warnings. */
  readonly source?: object | undefined;
  /** The authenticated user, when the app has one (for keys by user). */
  readonly user?: unknown;
}

/** What policies' key, cost and predicate functions receive: the request plus its client key. */
export interface HttpInput extends RequestInfo {
  /** The client's key: the masked IP, an API key, the user, or a custom key. */
  readonly client: string;
}
