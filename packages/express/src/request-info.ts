import { headerReader, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { Application, Request } from 'express';

/** Maps an Express request to the core's {@link RequestInfo}; `req.ip` honours the app's `trust proxy`. */
export function requestInfo(req: Request): RequestInfo {
  return {
    ip: req.ip ?? req.socket.remoteAddress ?? '',
    method: req.method,
    path: req.path,
    route: req.route?.path as string | undefined,
    header: headerReader(req.headers),
    source: req,
    user: (req as Request & { user?: unknown }).user,
  };
}

/** How the app trusts proxies, from its `trust proxy` setting. */
export function trustProxyMode(app: Application): TrustProxyMode {
  const setting: unknown = app.get('trust proxy');
  if (setting === true) return 'permissive';
  return setting === false || setting === undefined || setting === 0 ? 'off' : 'restricted';
}
