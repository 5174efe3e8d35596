import { NodeRequestInfo, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { Application, Request } from 'express';

/** Maps an Express request to the core's {@link RequestInfo}; `req.ip` honours the app's `trust proxy`. */
export function requestInfo(req: Request): RequestInfo {
  return new NodeRequestInfo(req, req.ip ?? req.socket.remoteAddress ?? '', req.method, req.path, req.route?.path as string | undefined, (req as Request & { user?: unknown }).user);
}

/** How the app trusts proxies, from its `trust proxy` setting. */
export function trustProxyMode(app: Application): TrustProxyMode {
  const setting: unknown = app.get('trust proxy');
  if (setting === true) return 'permissive';
  return setting === false || setting === undefined || setting === 0 ? 'off' : 'restricted';
}
