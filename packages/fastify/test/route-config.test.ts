import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { RouteConfigReader } from '../src/route-config.js';

/** A request-like object: `routeOptions` as Fastify's getter would build it, plus any own symbols. */
function fakeRequest(config: object | undefined, symbols: Record<symbol, unknown> = {}): FastifyRequest {
  const request = { ...symbols };
  Object.defineProperty(request, 'routeOptions', { get: () => ({ url: '/x', config }) });
  return request as unknown as FastifyRequest;
}

describe('RouteConfigReader', () => {
  it("reads each route's own config object, as routeOptions would, in a real Fastify", async () => {
    const app = Fastify();
    const reader = new RouteConfigReader();
    const seen: { read: unknown; expected: unknown }[] = [];
    app.addHook('onRequest', (request, _reply, done) => {
      seen.push({ read: reader.read(request), expected: request.routeOptions.config });
      done();
    });
    app.get('/a', { config: { breakwater: false } }, async () => 'a');
    app.get('/b/:id', async () => 'b');
    for (const url of ['/a', '/b/1', '/a', '/missing']) await app.inject({ method: 'GET', url });
    await app.close();
    expect(seen).toHaveLength(4);
    for (const { read, expected } of seen) expect(read).toBe(expected);
    expect((seen[0]?.read as { breakwater?: unknown }).breakwater).toBe(false);
    expect((seen[1]?.read as { url?: unknown }).url).toBe('/b/:id');
  });

  it('goes through routeOptions when no symbol of the request holds the route context', () => {
    const config = { url: '/x', breakwater: false };
    const reader = new RouteConfigReader();
    expect(reader.read(fakeRequest(config))).toBe(config);
    expect(reader.read(fakeRequest(config))).toBe(config);
  });

  it('does not trust a symbol named like the context whose config is not the route config', () => {
    const config = { url: '/x' };
    const impostor = { [Symbol('fastify.context')]: { config: { url: '/elsewhere' } } };
    const reader = new RouteConfigReader();
    expect(reader.read(fakeRequest(config, impostor))).toBe(config);
    // Decided once: later requests keep going through routeOptions.
    const other = { url: '/y' };
    expect(reader.read(fakeRequest(other, { [Symbol('fastify.context')]: { config: other } }))).toBe(other);
  });

  it('looks for the context symbol once, also when it was not found', () => {
    const reader = new RouteConfigReader();
    const search = vi.spyOn(Object, 'getOwnPropertySymbols');
    try {
      for (let i = 0; i < 3; i++) reader.read(fakeRequest({ url: '/x' }));
      expect(search).toHaveBeenCalledTimes(1);
    } finally {
      search.mockRestore();
    }
  });
});
