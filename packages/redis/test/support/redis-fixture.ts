import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedis } from './redis-server.js';

/** A client as docs/redis.md asks: no offline queue, one try per command. */
export async function connectClient(port: number): Promise<Redis> {
  const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  return client;
}

/**
 * Starts one redis-server for the file (beforeAll) and a connected client, and stops both (afterAll).
 * Read `server` and `client` inside tests, once the hook has run.
 */
export function useRedis(): { readonly server: RedisServer; readonly client: Redis } {
  const fixture = {} as { server: RedisServer; client: Redis };
  beforeAll(async () => {
    fixture.server = await startRedis();
    fixture.client = await connectClient(fixture.server.port);
  });
  afterAll(async () => {
    fixture.client?.disconnect();
    await fixture.server?.stop();
  });
  return fixture;
}
