import { NodeRequestInfo, remoteAddressOf, type RequestInfo, type TrustProxyMode } from '@breakwater/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Maps a Fastify request to the core's {@link RequestInfo}; the IP is `request.ip`, which honours
 * `trustProxy`. With trust proxy off that is the socket's address, read once per connection
 * ({@link remoteAddressOf}). `route` is the matched pattern and `path` the URL without its query,
 * which the plugin already worked out to pick the route's guards.
 */
export function requestInfo(request: FastifyRequest, route: string | undefined, path: string, trust: TrustProxyMode): RequestInfo {
  const ip = trust === 'off' ? (remoteAddressOf(request.raw.socket) ?? '') : request.ip;
  return new NodeRequestInfo(request, ip, request.method, path, route, (request as FastifyRequest & { user?: unknown }).user);
}

/**
 * How the server trusts proxies, from its `trustProxy` option. Fastify does not publish it (it is
 * not in `initialConfig`), so it is read from the instance's options slot; when that cannot be
 * found, the mode is `restricted` and no trust-proxy warning is logged.
 */
export function trustProxyMode(fastify: FastifyInstance): TrustProxyMode {
  const slot = Object.getOwnPropertySymbols(fastify).find((symbol) => symbol.description === 'fastify.options');
  if (slot === undefined) return 'restricted';
  const setting: unknown = ((fastify as unknown as Record<symbol, { trustProxy?: unknown } | undefined>)[slot])?.trustProxy;
  if (setting === true) return 'permissive';
  return setting === false || setting === undefined || setting === 0 ? 'off' : 'restricted';
}
