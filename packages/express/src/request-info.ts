import { NodeRequestInfo, pathWithoutQuery, remoteAddressOf, type TrustProxyMode } from '@breakwater/core';
import type { Application, Request } from 'express';
import type { Socket } from 'node:net';

/**
 * The core's request info for an Express request. Express gives every request a new prototype, so
 * each property read on a request is a slow lookup, and one that finds nothing (`route`, `user`
 * before any auth middleware) walks the whole prototype chain: `route` and `user` are read only
 * when a key function, a fallback or a log asks for them.
 */
class ExpressRequestInfo extends NodeRequestInfo<Request> {
  // Written out: the implicit constructor of a derived class forwards `...args`, which V8 builds
  // through a generic builtin instead of inlining it into the middleware.
  constructor(req: Request, ip: string, method: string, path: string) {
    super(req, ip, method, path, undefined, undefined);
  }

  override get route(): string | undefined {
    return this.source.route?.path as string | undefined;
  }

  override get user(): unknown {
    return (this.source as Request & { user?: unknown }).user;
  }
}

/**
 * Maps an Express request to the core's request info. The client IP is `req.ip`, which honours the
 * app's `trust proxy`; with trust proxy off that is the socket's address, read there directly (the
 * getter would parse `X-Forwarded-For` only to ignore it). `method`, `path` and the socket are the
 * ones the middleware already read.
 */
export function requestInfo(req: Request, socket: Socket | undefined, method: string, path: string, trustProxy: TrustProxyMode): NodeRequestInfo<Request> {
  const ip = trustProxy === 'off' ? remoteAddressOf(socket) : req.ip;
  return new ExpressRequestInfo(req, ip ?? '', method, path);
}

let lastPrototype: object | null = null;
let lastApp: Application | undefined;

/**
 * `req.app`. Express sets each request's prototype to its app's request prototype, which holds
 * `app`: the prototype, read without a property lookup, answers a repeat, and the lookup in V8's
 * runtime that `req.app` costs an Express request (see `watchEnd`) is made once per app. A request
 * whose prototype does not hold `app` (a test's plain object, say) is read every time.
 */
export function appOf(req: Request): Application {
  const prototype = Object.getPrototypeOf(req) as object | null;
  if (prototype === lastPrototype && lastApp !== undefined) return lastApp;
  const app = req.app;
  // Only a prototype that holds `app` itself answers for every request that has it.
  const keeps = prototype !== null && Object.hasOwn(prototype, 'app');
  lastPrototype = keeps ? prototype : null;
  lastApp = keeps ? app : undefined;
  return app;
}

/** Characters that send parseurl (behind `req.path`) off its fast path: whitespace and `#`. */
const unusualUrl = /[\t\n\f\r #\u00a0\ufeff]/;

/**
 * `req.path`, read without the getter when the URL is plain: for an origin-form URL (it starts with
 * `/`) with no whitespace or `#`, parseurl's pathname is the part before `?`. Anything else
 * (absolute-form URLs from proxies, fragments) goes through `req.path` itself, so that the route
 * matched here is the one Express matches.
 */
export function pathOf(req: Request): string {
  const url = req.url;
  return url.charCodeAt(0) !== 0x2f || unusualUrl.test(url) ? req.path : pathWithoutQuery(url);
}

/** How the app trusts proxies, from its `trust proxy` setting. */
export function trustProxyMode(app: Application): TrustProxyMode {
  const setting: unknown = app.get('trust proxy');
  if (setting === true) return 'permissive';
  return setting === false || setting === undefined || setting === 0 ? 'off' : 'restricted';
}
