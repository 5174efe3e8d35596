import { runDashboardScenarios } from 'adapter-scenarios';
import { Registry } from '@breakwater/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { breakwater, dashboard } from '../src/index.js';

runDashboardScenarios('fastify', async (options) => {
  // fetch() may open a spare connection that never carries a request; close it with the server.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(breakwater, { registry: options.registry, clock: options.clock });
  await app.register(dashboard(options));
  app.get('/open', async () => 'open');
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
});

describe('fastify dashboard registry', () => {
  it("defaults to the Breakwater plugin's registry", async () => {
    const app = Fastify();
    await app.register(breakwater, { global: { rateLimit: { name: 'api', limits: [{ capacity: 5, refillRate: 1 }] } } });
    await app.register(dashboard());
    app.get('/x', async () => 'x');
    await app.ready();
    expect((await app.inject('/x')).statusCode).toBe(200);
    expect((await app.inject('/dashboard')).statusCode).toBe(200);
    expect(app.breakwater.registry.get('rate-limit', 'api')?.snapshot()).toMatchObject({ allowed: 1 });
    await app.close();
  });

  it('ends open streams on app.close()', async () => {
    const app = Fastify();
    await app.register(dashboard({ registry: new Registry() }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${url}/dashboard/events`);
    const reader = response.body!.getReader();
    await reader.read();
    await app.close();
    for (;;) if ((await reader.read()).done) break;
  });

  it('throws ConfigError without a registry when the plugin is not registered', async () => {
    const app = Fastify();
    await expect(app.register(dashboard())).rejects.toThrow(/dashboard\.registry/);
  });
});
