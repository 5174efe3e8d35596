import { clientKeyOf, type ResolvedClientKey } from './client-key.js';
import type { HttpInput, RequestInfo } from './request-info.js';

/**
 * The {@link HttpInput} a route's guards receive. The client key is worked out on first read: a
 * route guarded only by a breaker or a bulkhead never pays for parsing the IP. `header` is made on
 * first read too, and `route`, `user` and `source` are read from the request info only when asked
 * (an adapter may read them lazily from the framework's request).
 *
 * Its fields are declared, not defined (`declare`, TypeScript-private): one is built per guarded
 * request, and a class that defines fields, `#private` ones included, runs an initializer function
 * before its constructor, which V8 does not inline into the HTTP guard pipeline.
 */
export class RequestInput implements HttpInput {
  declare readonly ip: string;
  declare readonly method: string;
  declare readonly path: string;
  declare private readonly info: RequestInfo;
  declare private readonly clientKey: ResolvedClientKey;
  declare private clientMemo: string | undefined;
  declare private headerMemo: ((name: string) => string | undefined) | undefined;

  constructor(info: RequestInfo, clientKey: ResolvedClientKey) {
    this.ip = info.ip;
    this.method = info.method;
    this.path = info.path;
    this.info = info;
    this.clientKey = clientKey;
    this.clientMemo = undefined;
    this.headerMemo = undefined;
  }

  get route(): string | undefined {
    return this.info.route;
  }

  get source(): object | undefined {
    return this.info.source;
  }

  get user(): unknown {
    return this.info.user;
  }

  /** The client's key: the masked IP, an API key, the user, or a custom key. */
  get client(): string {
    return (this.clientMemo ??= clientKeyOf(this.clientKey, this.info));
  }

  /** One request header (lower-case name). A getter, so that it can be destructured: `({ header }) => header('x-tenant')`. */
  get header(): (name: string) => string | undefined {
    const info = this.info;
    return (this.headerMemo ??= (name) => info.header(name));
  }

  /** The plain fields with the client key, for logs; not the framework's request (`source`) nor the user. */
  toJSON(): { ip: string; method: string; path: string; route: string | undefined; client: string } {
    return { ip: this.ip, method: this.method, path: this.path, route: this.route, client: this.client };
  }
}
