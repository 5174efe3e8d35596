import { Registry } from '@breakwater/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import breakwaterDefault, { breakwater } from '../src/index.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const one = { capacity: 1, refillRate: 1, refillInterval: '1h' as const };

describe('fastify plugin', () => {
  it('guards routes by config.breakwater, opts out with false, and falls back to global guards', async () => {
    app = Fastify();
    await app.register(breakwater, { global: { rateLimit: { name: 'global', limits: [one] } } });
    app.get('/own', { config: { breakwater: { rateLimit: { name: 'own', limits: [{ ...one, capacity: 2 }] } } } }, async () => 'own');
    app.get('/free', { config: { breakwater: false } }, async () => 'free');
    app.get('/default', async () => 'default');
    const statuses = async (url: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await app!.inject(url)).statusCode);
      return out;
    };
    expect(await statuses('/own', 3)).toEqual([200, 200, 429]);
    expect(await statuses('/free', 3)).toEqual([200, 200, 200]);
    expect(await statuses('/default', 2)).toEqual([200, 429]);
    expect(app.breakwater.registry.list().map((p) => p.name).sort()).toEqual(['global', 'own']);
  });

  it('hands key functions a request whose header reader and client key can be destructured', async () => {
    app = Fastify();
    const seen: string[] = [];
    await app.register(breakwater, {
      clientKey: { by: 'custom', key: ({ header }) => header('x-tenant') },
      global: { rateLimit: { name: 'tenants', limits: [{ ...one, key: ({ client, header }: { client: string; header: (name: string) => string | undefined }) => (seen.push(`${client}|${header('x-tenant')}`), client) }] } },
    });
    app.get('/', async () => 'ok');
    const tenant = (name: string) => app!.inject({ url: '/', headers: { 'x-tenant': name } });
    expect((await tenant('a')).statusCode).toBe(200);
    expect((await tenant('b')).statusCode).toBe(200);
    expect((await tenant('a')).statusCode).toBe(429);
    expect(seen).toEqual(['a|a', 'b|b', 'a|a']);
  });

  it('decorates the instance with the registry given', async () => {
    const registry = new Registry();
    app = Fastify();
    await app.register(breakwater, { registry, global: { circuitBreaker: { name: 'cb' } } });
    await app.ready();
    expect(app.breakwater.registry).toBe(registry);
    expect(registry.get('circuit-breaker', 'cb')).toBeDefined();
  });

  it('is safe to register twice', async () => {
    app = Fastify();
    await app.register(breakwater, { global: { rateLimit: { name: 'api', limits: [{ ...one, capacity: 2 }] } } });
    await app.register(breakwaterDefault, { global: { rateLimit: { name: 'api', limits: [{ ...one, capacity: 2 }] } } });
    app.get('/', async () => 'ok');
    expect((await app.inject('/')).statusCode).toBe(200);
    expect((await app.inject('/')).statusCode).toBe(200);
    expect((await app.inject('/')).statusCode).toBe(429);
  });

  it('counts 4xx validation errors as successes and 5xx errors as failures', async () => {
    app = Fastify();
    await app.register(breakwater, { global: { circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 } } } });
    app.post('/v', { schema: { body: { type: 'object', required: ['a'] } } }, async () => 'ok');
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    expect((await app.inject({ method: 'POST', url: '/v', payload: {} })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v', payload: {} })).statusCode).toBe(400);
    expect((await app.inject('/boom')).statusCode).toBe(500);
    expect((await app.inject('/boom')).statusCode).toBe(503);
  });

  it('warns once about a permissive trustProxy', async () => {
    const warned: string[] = [];
    app = Fastify({ trustProxy: true });
    await app.register(breakwater, { logger: { warn: (_m, { code }) => void warned.push(code) }, global: { rateLimit: { name: 'api', limits: [{ capacity: 9, refillRate: 1 }] } } });
    app.get('/', async () => 'ok');
    await app.inject('/');
    await app.inject('/');
    expect(warned).toEqual(['BW_PERMISSIVE_TRUST_PROXY']);
  });
});

describe('fastify breaker health routes', () => {
  it('serves every breaker and one by name, 503 when a critical one is open', async () => {
    app = Fastify();
    await app.register(breakwater, { health: { critical: ['cb'] }, global: { circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 1 } } } });
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    await app.ready();
    const healthy = await app.inject('/health/circuit-breakers');
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toMatchObject({ status: 'healthy', breakers: [{ name: 'cb', state: 'closed' }] });
    await app.inject('/boom');
    expect((await app.inject('/health/circuit-breakers')).statusCode).toBe(503);
    expect((await app.inject('/health/circuit-breakers/cb')).json()).toMatchObject({ breaker: { state: 'open' } });
    expect((await app.inject('/health/circuit-breakers/none')).statusCode).toBe(404);
  });

  it('replaces a streamed 5xx payload with the fallback (destroying the stream), and judges a thrown error by the error', async () => {
    const { Readable } = await import('node:stream');
    let stream: InstanceType<typeof Readable> | undefined;
    app = Fastify();
    await app.register(breakwater, { global: { circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 100 } }, fallback: { status: 200, body: 'fallback' } }, outcome: { isIgnoredError: (e) => (e as Error).message === 'ignored' } });
    app.get('/stream', async (_request, reply) => reply.code(503).type('text/plain').send((stream = Readable.from(['a', 'b']))));
    app.get('/ignored', async () => {
      throw new Error('ignored');
    });
    const streamed = await app.inject('/stream');
    expect(streamed.statusCode).toBe(200);
    expect(streamed.body).toBe('fallback');
    expect(streamed.headers['x-breakwater-fallback']).toBe('static');
    expect(stream?.destroyed).toBe(true);
    const ignored = await app.inject('/ignored');
    expect(ignored.statusCode).toBe(500);
    expect(ignored.headers['x-breakwater-fallback']).toBeUndefined();
    const snapshot = app.breakwater.registry.get('circuit-breaker', 'cb')?.snapshot() as unknown as { failures: number; calls: number };
    expect(snapshot).toMatchObject({ failures: 1, calls: 1 });
  });
});

