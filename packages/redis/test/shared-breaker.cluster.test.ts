import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { RedisServer } from './support/redis-server.js';
import { startCluster } from './support/redis-server.js';
import { describeSharedBreakerScenarios } from './support/shared-breaker-scenarios.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let killed: RedisServer | undefined;

beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The master serving the breaker's hash tag (`{shared}`), read from CLUSTER SLOTS. */
async function ownerOfBreaker(): Promise<RedisServer> {
  const probe = new Redis({ port: cluster.servers[0]!.port, host: '127.0.0.1', lazyConnect: true });
  await probe.connect();
  try {
    const slot = Number(await probe.cluster('KEYSLOT', 'shared'));
    const ranges = await probe.cluster('SLOTS');
    const port = ranges.find(([from, to]) => slot >= from && slot <= to)![2]![1];
    return cluster.servers.find((server) => server.port === port)!;
  } finally {
    probe.disconnect();
  }
}

describeSharedBreakerScenarios('3-master cluster', {
  target: () => ({ cluster: cluster.servers.map((server) => server.port) }),
  killRedis: async () => {
    killed = await ownerOfBreaker();
    const exited = new Promise((resolve) => killed!.process.once('exit', resolve));
    killed.process.kill('SIGKILL');
    await exited;
  },
  // Back on its port with its nodes.conf: the same slots, no data.
  restartRedis: () => killed!.restart(),
});
