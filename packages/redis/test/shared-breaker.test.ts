import { circuitBreaker, type StateChange } from '@breakwater/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './support/redis-server.js';

let server: RedisServer;
const clients: Redis[] = [];
const stores: RedisStore[] = [];
let run = 0;

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  for (const store of stores) store.close();
  for (const client of clients) client.disconnect();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One app instance: its own client and store (same prefix per test). */
async function instance(prefix: string, breaker: ConstructorParameters<typeof RedisStore>[0]['breaker'] = {}) {
  const client = new Redis({ port: server.port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  clients.push(client);
  const store = new RedisStore({ client, prefix, commandTimeout: 1000, breaker });
  stores.push(store);
  return store;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('shared breaker, in one process', () => {
  it('trips every instance from one instance failures (exact)', async () => {
    const prefix = `t${++run}`;
    const a = circuitBreaker({ name: 'db', store: await instance(prefix, { outcomes: 'exact' }), trip: { consecutiveFailures: 3 }, recoveryTimeout: '10s' });
    const b = circuitBreaker({ name: 'db', store: await instance(prefix, { outcomes: 'exact' }), trip: { consecutiveFailures: 3 }, recoveryTimeout: '10s' });
    const changes: StateChange[] = [];
    b.onStateChange((c) => changes.push(c));
    await sleep(50);
    for (let i = 0; i < 3; i++) await a.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    await until(() => b.state === 'open');
    expect(a.state).toBe('open');
    expect(changes[0]).toMatchObject({ from: 'closed', to: 'open', reason: '3 consecutive failures (threshold 3)' });
    const admission = await b.acquire();
    expect(admission.admitted).toBe(false);
  });
});
