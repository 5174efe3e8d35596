import { ConfigError, Registry } from '@breakwater/core';
import { ManualClock } from '@breakwater/core/testing';
import { listening } from 'adapter-scenarios';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { bulkhead, circuitBreaker, quota, rateLimit, resilience, timeout } from '../src/index.js';
import { appOf, pathOf } from '../src/request-info.js';

/** Sends one raw HTTP/1.1 request line (any request target) and resolves to the response text. */
function rawGet(url: string, target: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(app: express.Express): Promise<string> {
  const server = await listening(app.listen(0, '127.0.0.1'));
  close = server.close;
  return server.url;
}

describe('express factories', () => {
  it('guard a path prefix or one route, and leave the rest alone', async () => {
    const clock = new ManualClock(0);
    const app = express();
    app.use('/api', rateLimit({ name: 'api', clock, limits: [{ capacity: 1, refillRate: 1, refillInterval: '1m' }] }));
    app.get('/api/a', (_req, res) => void res.send('a'));
    app.get('/other', (_req, res) => void res.send('other'));
    app.get('/quota', quota({ name: 'q', clock, limits: { hour: 1 } }), (_req, res) => void res.send('q'));
    app.get('/pool', bulkhead({ name: 'pool', maxConcurrent: 1 }), (_req, res) => void res.send('pool'));
    app.get('/slow', timeout({ duration: '1s', clock }), (_req, res) => void res.send('slow'));
    app.get('/cb', circuitBreaker({ name: 'cb', clock }), (_req, res) => void res.send('cb'));
    const url = await serve(app);
    expect((await fetch(`${url}/api/a`)).status).toBe(200);
    expect((await fetch(`${url}/api/a`)).status).toBe(429);
    expect((await fetch(`${url}/other`)).status).toBe(200);
    expect((await fetch(`${url}/other`)).status).toBe(200);
    expect((await fetch(`${url}/quota`)).status).toBe(200);
    expect((await fetch(`${url}/quota`)).status).toBe(429);
    for (const path of ['/pool', '/slow', '/cb']) expect((await fetch(`${url}${path}`)).status).toBe(200);
  });

  it('share policies by name through a registry', () => {
    const registry = new Registry();
    circuitBreaker({ name: 'payments', registry });
    resilience({ registry, routes: [{ path: '/pay/*', circuitBreaker: { name: 'payments' } }] });
    expect(registry.list().map((p) => `${p.kind}:${p.name}`)).toEqual(['circuit-breaker:payments']);
  });

  it('validate options once, with ConfigError naming the path', () => {
    expect(() => rateLimit({ name: 'x', limits: [] })).toThrow(ConfigError);
    expect(() => resilience({ routes: [{ path: 'api' }] })).toThrow(/resilience\.routes\.0\.path/);
    expect(() => circuitBreaker({ name: 'x', clientKey: { by: 'header' } as never })).toThrow(/circuitBreaker\.clientKey/);
  });

  it('warn once about a permissive trust proxy', async () => {
    const warned: string[] = [];
    const app = express();
    app.set('trust proxy', true);
    app.use(rateLimit({ name: 'api', limits: [{ capacity: 5, refillRate: 1 }], logger: { warn: (_m, { code }) => void warned.push(code) } }));
    app.get('/', (_req, res) => void res.send('ok'));
    const url = await serve(app);
    await fetch(url);
    await fetch(url);
    expect(warned).toEqual(['BW_PERMISSIVE_TRUST_PROXY']);
  });

  it('warn once about X-Forwarded-For while trust proxy is off, on the first request or among later ones', async () => {
    const warned: string[] = [];
    const app = express();
    const limits = [{ capacity: 1e6, refillRate: 1 }];
    const logger = { warn: (_m: string, { code }: { code: string }) => void warned.push(code) };
    app.use('/a', rateLimit({ name: 'a', limits, logger }));
    app.use('/b', rateLimit({ name: 'b', limits, logger }));
    app.use((_req, res) => void res.send('ok'));
    const url = await serve(app);
    const forwarded = { headers: { 'x-forwarded-for': '203.0.113.9' } };
    await fetch(`${url}/a`, forwarded);
    await fetch(`${url}/a`, forwarded);
    expect(warned).toEqual(['BW_XFF_WITHOUT_TRUST_PROXY']);
    warned.length = 0;
    // Past the first 64 requests, one in 16 is looked at: 16 forwarded requests in a row are seen.
    for (let sent = 0; sent < 100; sent++) await fetch(`${url}/b`);
    expect(warned).toEqual([]);
    for (let sent = 0; sent < 16; sent++) await fetch(`${url}/b`, forwarded);
    expect(warned).toEqual(['BW_XFF_WITHOUT_TRUST_PROXY']);
  });

  it('read req.app from the prototype only when the prototype holds it', async () => {
    const first = express();
    const second = express();
    expect(appOf(Object.setPrototypeOf({}, first.request) as express.Request)).toBe(first);
    expect(appOf(Object.setPrototypeOf({}, second.request) as express.Request)).toBe(second);
    expect(appOf(Object.setPrototypeOf({}, first.request) as express.Request)).toBe(first);
    // Plain objects share Object.prototype, which holds no `app`: each is read.
    expect(appOf({ app: first } as unknown as express.Request)).toBe(first);
    expect(appOf({ app: second } as unknown as express.Request)).toBe(second);
  });

  it('read the path Express routes by: the fast path agrees with req.path, absolute-form targets included', async () => {
    const app = express();
    app.use((req, res) => void res.json([pathOf(req), req.path]));
    const url = await serve(app);
    for (const target of ['/', '/a/b', '/a/b?x=1&y=/c', '/a%20b?q', '/a#frag', '/a?b#c', 'http://localhost/api/x?y=1', '*']) {
      const response = await rawGet(url, target);
      const [fast, express] = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as [string, string];
      expect(fast, target).toBe(express);
    }
  });

  it('guard an absolute-form request target under the route Express matches it to', async () => {
    const app = express();
    app.use(resilience({ routes: [{ path: '/api/*', rateLimit: { name: 'api', limits: [{ capacity: 1, refillRate: 1, refillInterval: '1m' }] } }] }));
    app.use((_req, res) => void res.send('ok'));
    const url = await serve(app);
    expect(await rawGet(url, '/api/x')).toMatch(/^HTTP\/1\.1 200/);
    expect(await rawGet(url, 'http://localhost/api/x')).toMatch(/^HTTP\/1\.1 429/);
  });

  it('warn once about a rate limit that counts one request twice, writing nothing on the request', async () => {
    const warned: string[] = [];
    const logger = { warn: (_m: string, { code }: { code: string }) => void warned.push(code) };
    const registry = new Registry();
    const limiter = rateLimit({ name: 'api', registry, logger, limits: [{ capacity: 50, refillRate: 1 }] });
    const app = express();
    app.use(limiter);
    app.get('/once', (req, res) => void res.send(String(Object.getOwnPropertySymbols(req).filter((symbol) => symbol.description?.startsWith('breakwater')).length)));
    app.get('/twice', limiter, (_req, res) => void res.send('twice'));
    const url = await serve(app);
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${url}/once`)).text()).toBe('0');
    expect(warned).toEqual([]);
    await fetch(`${url}/twice`);
    await fetch(`${url}/twice`);
    expect(warned).toEqual(['BW_DOUBLE_COUNT']);
  });
});

describe('express breaker health', () => {
  it('serves every breaker and one by name, 503 when a critical one is open', async () => {
    const { circuitBreakerHealth } = await import('../src/index.js');
    const registry = new Registry();
    const app = express();
    app.use(circuitBreakerHealth({ registry, critical: ['cb'] }));
    app.use(circuitBreaker({ name: 'cb', registry, trip: { consecutiveFailures: 1 } }));
    app.get('/boom', (_req, res) => void res.status(500).send('boom'));
    const url = await serve(app);
    expect(await (await fetch(`${url}/health/circuit-breakers`)).json()).toMatchObject({ status: 'healthy' });
    await fetch(`${url}/boom`);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await fetch(`${url}/health/circuit-breakers`)).status).toBe(503);
    expect(await (await fetch(`${url}/health/circuit-breakers/cb`)).json()).toMatchObject({ breaker: { state: 'open' } });
    expect((await fetch(`${url}/health/circuit-breakers/x`)).status).toBe(404);
  });
});
