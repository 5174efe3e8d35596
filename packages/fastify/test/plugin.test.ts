import { Registry } from '@breakwater/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import breakwaterDefault, { breakwater } from '../src/index.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const one = { capacity: 1, refillRate: 1, refillInterval: '1h' as const };

/** A promise and its resolver: a handler waits on it until the test lets it go on. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Sends GET `path` over real HTTP; resolves with the status once the response has begun. */
function begin(url: string, path: string): Promise<{ status: number; body: () => Promise<string>; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const ended = new Promise<string>((done) => {
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(Buffer.concat(chunks).toString()));
      });
      resolve({ status: res.statusCode ?? 0, body: () => ended, destroy: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The pool's occupancy and the breaker's counted calls on the test's app, guarded by `pool` and `cb`. */
function counts(): { active: number; calls: number } {
  const target = app as FastifyInstance;
  const pool = target.breakwater.registry.get('bulkhead', 'pool')?.snapshot() as unknown as { active: number };
  const cb = target.breakwater.registry.get('circuit-breaker', 'cb')?.snapshot() as unknown as { calls: number };
  return { active: pool.active, calls: cb.calls };
}

/** Polls `check` until it holds (the permits settle on the response's close event, after the client read it). */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

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

  it('keeps no double-count record on requests: each passes one pipeline', async () => {
    app = Fastify();
    await app.register(breakwater, { global: { rateLimit: { name: 'api', limits: [{ capacity: 10, refillRate: 1 }] } } });
    app.get('/', async (request) => ({ counted: (request as unknown as Record<symbol, unknown>)[Symbol.for('breakwater.counted')] ?? null }));
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ counted: null });
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
  describe('settles what onSend leaves open, from the response\'s close', () => {
    const guarded = { bulkhead: { name: 'pool', maxConcurrent: 1 }, circuitBreaker: { name: 'cb' } };

    it('a hijacked reply holds its permits until its response ends, then counts it', async () => {
      const gate = latch();
      app = Fastify();
      await app.register(breakwater, { global: guarded });
      app.get('/raw', async (_request, reply) => {
        reply.hijack();
        await gate.promise;
        reply.raw.writeHead(200, { 'content-type': 'text/plain' });
        reply.raw.end('raw');
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const first = begin(url, '/raw');
      await eventually(() => counts().active === 1);
      expect((await begin(url, '/raw')).status).toBe(503);
      gate.open();
      expect(await (await first).body()).toBe('raw');
      await eventually(() => counts().active === 0);
      expect(counts().calls).toBe(1);
    });

    /** An app whose `/stream` sends a stream the test feeds; one chunk is already in. */
    async function streaming(): Promise<{ url: string; stream: Readable }> {
      app = Fastify();
      await app.register(breakwater, { global: guarded });
      const stream = new Readable({ read() {} });
      app.get('/stream', async (_request, reply) => reply.type('text/plain').send(stream));
      stream.push('a');
      return { url: await app.listen({ port: 0, host: '127.0.0.1' }), stream };
    }

    it('a streamed payload holds its permits until the stream ends, then counts it', async () => {
      const { url, stream } = await streaming();
      const first = await begin(url, '/stream');
      expect(first.status).toBe(200);
      expect(counts().active).toBe(1);
      expect((await begin(url, '/stream')).status).toBe(503);
      stream.push('b');
      stream.push(null);
      expect(await first.body()).toBe('ab');
      await eventually(() => counts().active === 0);
      expect(counts().calls).toBe(1);
    });

    it('a streamed payload whose client leaves frees its permits, uncounted', async () => {
      const { url } = await streaming();
      const first = await begin(url, '/stream');
      expect(counts().active).toBe(1);
      first.destroy();
      await eventually(() => counts().active === 0);
      expect(counts().calls).toBe(0);
    });
  });
});
