import { describeStoreConformance } from '@breakwater/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './support/redis-server.js';

let server: RedisServer;
let client: Redis;
let run = 0;

beforeAll(async () => {
  server = await startRedis();
  client = new Redis({ port: server.port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
});

afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

describeStoreConformance('RedisStore on one redis-server (client clock)', () => new RedisStore({ client, clock: 'client', prefix: `conf-${++run}`, commandTimeout: 2000 }), {
  test: { describe, it },
});
describeStoreConformance(
  'RedisStore on one redis-server (client clock, no blocked-key cache)',
  () => new RedisStore({ client, clock: 'client', prefix: `conf-nocache-${++run}`, commandTimeout: 2000, blockedCacheSize: 0 }),
  { test: { describe, it } },
);
