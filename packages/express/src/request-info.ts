import { NodeRequestInfo, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { Application, Request } from 'express';

/**
 * Maps an Express request to the core's {@link RequestInfo}. The client IP is `req.ip`, which honours
 * the app's `trust proxy`; with trust proxy off that is the socket's address, read there directly
 * (the getter would parse `X-Forwarded-For` only to ignore it). `method` and `path` are the ones
 * the middleware already read: every property read on an Express request is a slow lookup, since
 * Express gives each request a new prototype.
 */
export function requestInfo(req: Request, method: string, path: string, trustProxy: TrustProxyMode): RequestInfo {
  const ip = trustProxy === 'off' ? req.socket.remoteAddress : req.ip;
  return new NodeRequestInfo(req, ip ?? '', method, path, req.route?.path as string | undefined, (req as Request & { user?: unknown }).user);
}

/** How the app trusts proxies, from its `trust proxy` setting. */
export function trustProxyMode(app: Application): TrustProxyMode {
  const setting: unknown = app.get('trust proxy');
  if (setting === true) return 'permissive';
  return setting === false || setting === undefined || setting === 0 ? 'off' : 'restricted';
}
