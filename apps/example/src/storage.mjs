// Where rate-limit and quota counts and breaker state live: in this process by default, in Redis when
// a URL is given (then every instance of the app pointing at the same Redis shares them).
import { MemoryStore } from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Redis } from 'ioredis';

/**
 * @param {string | undefined} redisUrl
 * @returns {Promise<{ store: import('@breakwater/core').Store, name: string, warning?: string, close(): Promise<void> }>}
 */
export async function createStorage(redisUrl) {
  if (redisUrl === undefined || redisUrl === '') return { store: new MemoryStore(), name: 'memory', close: async () => {} };
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false, // never queue decisions while disconnected
    maxRetriesPerRequest: 1, // one try per command
    retryStrategy: (times) => Math.min(times * 50, 500), // reconnect quickly once Redis is back
  });
  // Errors are reported by the policies (onStoreFailure) and on the dashboard; keep ioredis quiet.
  client.on('error', () => {});
  let warning;
  try {
    await client.connect();
  } catch (error) {
    warning = `Redis at ${redisUrl} is not reachable (${error.message}): limits decide in memory until it is.`;
  }
  // The example's breaker sees a few calls a second: 'exact' sends each outcome at once, so the shared
  // breaker opens on the very failure that trips it (busy services keep the default, 'batched').
  const store = new RedisStore({ client, prefix: 'breakwater-example', breaker: { outcomes: 'exact' } });
  return {
    store,
    name: 'redis',
    warning,
    close: async () => {
      await store.syncBreakers(); // outcomes still on their way to Redis
      store.close(); // the store's pub/sub connection for breaker notifications
      client.disconnect();
    },
  };
}
