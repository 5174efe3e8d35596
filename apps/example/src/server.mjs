// Starts the example app on one of the three frameworks.
import { createExample } from './example.mjs';
import { startExpress } from './frameworks/express.mjs';
import { startFastify } from './frameworks/fastify.mjs';
import { startKoa } from './frameworks/koa.mjs';
import { createStorage } from './storage.mjs';

/** The frameworks the example runs on. */
export const frameworks = Object.freeze({ express: startExpress, fastify: startFastify, koa: startKoa });

/**
 * Starts the example app and resolves once it listens.
 *
 * @param {{ framework?: 'express' | 'fastify' | 'koa', port?: number, host?: string, redisUrl?: string, tuning?: object, upstreams?: object }} options
 *   `port: 0` picks a free port; `redisUrl` keeps rate-limit and quota counts in Redis.
 */
export async function startExample({ framework = 'express', port = 3000, host = '127.0.0.1', redisUrl, tuning, upstreams } = {}) {
  const start = frameworks[framework];
  if (start === undefined) throw new RangeError(`framework must be one of ${Object.keys(frameworks).join(', ')}, got ${JSON.stringify(framework)}`);
  const storage = await createStorage(redisUrl);
  const example = createExample({ framework, store: storage.store, storeName: storage.name, tuning, upstreams });
  let server;
  try {
    server = await start(example, { port, host });
  } catch (error) {
    await storage.close();
    throw error;
  }
  return {
    url: server.url,
    framework,
    store: storage.name,
    warning: storage.warning,
    registry: example.registry,
    upstreams: example.upstreams,
    catalogFallback: example.guards.catalogFallback,
    async close() {
      await server.close();
      example.registry.close();
      await storage.close();
    },
  };
}
