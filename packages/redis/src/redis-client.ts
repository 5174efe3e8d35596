import type { Cluster, Redis } from 'ioredis';

/** The ioredis clients a {@link RedisStore} accepts: a `Redis` (single node or Sentinel) or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** True for an ioredis `Cluster` (checked by shape, so that two copies of ioredis still agree). */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}

/** A problem with how the client is configured for a rate-limit store, or `undefined`. */
export function offlineQueueWarning(client: RedisClient): string | undefined {
  const options = client.options as { enableOfflineQueue?: boolean; maxRetriesPerRequest?: number | null; redisOptions?: { maxRetriesPerRequest?: number | null } };
  const retries = isCluster(client) ? options.redisOptions?.maxRetriesPerRequest : options.maxRetriesPerRequest;
  if (options.enableOfflineQueue !== false && retries === null) {
    return 'the ioredis client queues commands without bound while offline (enableOfflineQueue true, maxRetriesPerRequest null); the store fails fast while the connection is not ready, but set enableOfflineQueue: false or a finite maxRetriesPerRequest for every other user of this client';
  }
  return undefined;
}
