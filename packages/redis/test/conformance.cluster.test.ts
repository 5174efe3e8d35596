import { describeStoreConformance } from '@breakwater/core/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { startCluster } from './support/redis-server.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let client: Cluster;
let run = 0;
const errors: string[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  client = new Cluster(
    cluster.servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 } },
  );
  client.on('error', (error: Error) => errors.push(error.message));
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

/** Records every store error, so that a CROSSSLOT refusal anywhere shows up. */
function recording(store: RedisStore): RedisStore {
  for (const method of ['consume', 'consumeAll', 'peek', 'reset'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) result.catch((error: Error) => errors.push(String(error.cause ?? error.message)));
      return result;
    };
  }
  return store;
}

describeStoreConformance('RedisStore on a 3-master cluster (client clock)', () => recording(new RedisStore({ client, clock: 'client', prefix: `cluster-${++run}`, commandTimeout: 2000 })), {
  test: { describe, it },
});

describe('the 3-master cluster', () => {
  it('spreads keys over the masters, answers no CROSSSLOT and leaves no key without a TTL', async () => {
    const store = new RedisStore({ client, prefix: 'spread', commandTimeout: 2000 });
    const bucket = { id: 'api:per-client', algorithm: 'token-bucket', capacity: 5, refillRate: 1, refillIntervalMs: 600_000 } as const;
    const window = { id: 'api:per-client-window', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 } as const;
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.consumeAll([bucket, window], [`client-${i}`, `client-${i}`], 1, 0)));
    const perNode = await Promise.all(client.nodes('master').map(async (node) => node.keys('spread:*')));
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(3);
    for (const [i, node] of client.nodes('master').entries()) {
      for (const key of perNode[i]!) expect(await node.pttl(key)).toBeGreaterThan(0);
    }
    expect(errors.filter((message) => message.includes('CROSSSLOT'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('ignores autoPipelining (a connection per node, none of its own): every call is written and decided as usual', async () => {
    const store = new RedisStore({ client, prefix: 'piped-cluster', commandTimeout: 2000, autoPipelining: true });
    const bucket = { id: 'tb', algorithm: 'token-bucket', capacity: 3, refillRate: 1, refillIntervalMs: 600_000 } as const;
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => store.consume(bucket, `client-${i % 10}`, 1, 0)));
    // Each of the 10 clients: three admitted, then refused, in the order the calls were made.
    for (let c = 0; c < 10; c++) expect(decisions.filter((_, i) => i % 10 === c).map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(errors).toEqual([]);
  });
});
