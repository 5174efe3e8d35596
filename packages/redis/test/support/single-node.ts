import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedis } from './redis-server.js';

/** A redis-server of this test file's own and a client configured as docs/redis.md asks. */
export interface SingleRedis {
  readonly server: RedisServer;
  readonly client: Redis;
}

/**
 * Starts one redis-server before the file's tests and stops it after them. The returned object's
 * fields are set once `beforeAll` has run, so read them inside tests, not at module level.
 */
export function useSingleRedis(): SingleRedis {
  const handle = {} as { server: RedisServer; client: Redis };
  beforeAll(async () => {
    handle.server = await startRedis();
    handle.client = new Redis({ port: handle.server.port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await handle.client.connect();
  });
  afterAll(async () => {
    handle.client?.disconnect();
    await handle.server?.stop();
  });
  return handle;
}
