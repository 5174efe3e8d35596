import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedis } from './support/redis-server.js';
import { describeSharedBreakerScenarios } from './support/shared-breaker-scenarios.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  await server?.stop();
});

describeSharedBreakerScenarios('single node', {
  target: () => ({ port: server.port }),
  killRedis: async () => {
    const exited = new Promise((resolve) => server.process.once('exit', resolve));
    server.process.kill('SIGKILL');
    await exited;
  },
  restartRedis: () => server.restart(),
});
