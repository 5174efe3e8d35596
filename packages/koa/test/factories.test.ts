import { ConfigError } from '@breakwater/core';
import { ManualClock } from '@breakwater/core/testing';
import { listening } from 'adapter-scenarios';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkhead, circuitBreaker, quota, rateLimit, resilience, timeout } from '../src/index.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(app: Koa): Promise<string> {
  const server = await listening(app.listen(0, '127.0.0.1'));
  close = server.close;
  return server.url;
}

describe('koa factories', () => {
  it('stack globally and count per client', async () => {
    const clock = new ManualClock(0);
    const app = new Koa();
    app.use(rateLimit({ name: 'api', clock, limits: [{ capacity: 2, refillRate: 1, refillInterval: '1m' }] }));
    app.use(quota({ name: 'q', clock, limits: { hour: 5 } }));
    app.use(bulkhead({ name: 'pool', maxConcurrent: 2 }));
    app.use(circuitBreaker({ name: 'cb', clock }));
    app.use(timeout({ duration: '1s', clock }));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const url = await serve(app);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBe('"api";r=1;t=60, "q";r=4;t=3600');
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url)).status).toBe(429);
  });

  it('hands key functions a request whose header reader and client key can be destructured', async () => {
    const seen: string[] = [];
    const app = new Koa();
    app.use(
      rateLimit({
        name: 'tenants',
        clientKey: { by: 'custom', key: ({ header }) => header('x-tenant') },
        limits: [{ capacity: 1, refillRate: 1, refillInterval: '1h', key: ({ client, header }: { client: string; header: (name: string) => string | undefined }) => (seen.push(`${client}|${header('x-tenant')}`), client) }],
      }),
    );
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const url = await serve(app);
    const tenant = async (name: string) => (await fetch(url, { headers: { 'x-tenant': name } })).status;
    expect([await tenant('a'), await tenant('b'), await tenant('a')]).toEqual([200, 200, 429]);
    expect(seen).toEqual(['a|a', 'b|b', 'a|a']);
  });

  describe("the client IP is Koa's ctx.request.ip", () => {
    /** An app whose rate limit records the IP each request is counted under; `before` runs first. */
    async function recording(app: Koa, before?: Koa.Middleware) {
      const seen: string[] = [];
      if (before) app.use(before);
      app.use(rateLimit({ name: 'ip', limits: [{ capacity: 100, refillRate: 1, refillInterval: '1h', key: ({ ip }: { ip: string }) => (seen.push(ip), ip) }] }));
      app.use((ctx) => {
        ctx.body = ctx.ip;
      });
      const url = await serve(app);
      const ask = async (headers: Record<string, string> = {}) => (await fetch(url, { headers })).text();
      return { seen, ask };
    }

    it('the socket address when proxy is off, a spoofed X-Forwarded-For ignored; ctx.ip unchanged for the app', async () => {
      const { seen, ask } = await recording(new Koa());
      expect(await ask({ 'x-forwarded-for': '203.0.113.9' })).toBe('127.0.0.1');
      expect(await ask()).toBe('127.0.0.1');
      expect(seen).toEqual(['127.0.0.1', '127.0.0.1']);
    });

    it('an IP a middleware set with ctx.request.ip', async () => {
      const { seen, ask } = await recording(new Koa(), async (ctx, next) => {
        const real = ctx.get('x-real-ip');
        if (real !== '') ctx.request.ip = real;
        await next();
      });
      expect(await ask({ 'x-real-ip': '198.51.100.7' })).toBe('198.51.100.7');
      expect(await ask()).toBe('127.0.0.1');
      expect(await ask({ 'x-real-ip': '198.51.100.8' })).toBe('198.51.100.8');
      expect(seen).toEqual(['198.51.100.7', '127.0.0.1', '198.51.100.8']);
    });

    it("the app's own ip getter on app.request", async () => {
      const app = new Koa();
      // With a setter of its own too, which stores the IP under a symbol as Koa's does.
      const edge = Symbol('edge-ip');
      Object.defineProperty(app.request, 'ip', {
        configurable: true,
        get(this: Koa.Request & { [edge]?: string }) {
          return this[edge] ?? (this.get('x-edge-ip') || 'none');
        },
        set(this: Koa.Request & { [edge]?: string }, ip: string) {
          this[edge] = ip;
        },
      });
      const { seen, ask } = await recording(app);
      expect(await ask({ 'x-edge-ip': '192.0.2.44' })).toBe('192.0.2.44');
      expect(await ask()).toBe('none');
      expect(seen).toEqual(['192.0.2.44', 'none']);
    });

    it('the forwarded address when the app trusts its proxy', async () => {
      const { seen, ask } = await recording(new Koa({ proxy: true, maxIpsCount: 1 }));
      expect(await ask({ 'x-forwarded-for': '203.0.113.9' })).toBe('203.0.113.9');
      expect(await ask()).toBe('127.0.0.1');
      expect(seen).toEqual(['203.0.113.9', '127.0.0.1']);
    });
  });

  it('judges thrown HTTP errors by their status: ctx.throw(404) is not a failure', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(circuitBreaker({ name: 'cb', trip: { consecutiveFailures: 1 } }));
    app.use((ctx) => {
      if (ctx.path === '/missing') ctx.throw(404);
      ctx.throw(500);
    });
    const url = await serve(app);
    expect((await fetch(`${url}/missing`)).status).toBe(404);
    expect((await fetch(`${url}/missing`)).status).toBe(404);
    expect((await fetch(`${url}/boom`)).status).toBe(500);
    expect((await fetch(`${url}/boom`)).status).toBe(503);
  });

  it('routes by table and leaves other paths alone', async () => {
    const app = new Koa();
    app.use(resilience({ routes: [{ path: '/api/v1/query/*', methods: ['GET'], rateLimit: { name: 'q', limits: [{ capacity: 1, refillRate: 1, refillInterval: '1h' }] } }] }));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const url = await serve(app);
    expect((await fetch(`${url}/api/v1/query/a`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/query/b`)).status).toBe(429);
    expect((await fetch(`${url}/api/v1/other`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/query/a`, { method: 'POST' })).status).toBe(200);
  });

  it('validates options and warns about a permissive proxy', async () => {
    expect(() => quota({ name: 'q', limits: {} })).toThrow(ConfigError);
    const warned: string[] = [];
    const app = new Koa({ proxy: true });
    app.use(rateLimit({ name: 'api', limits: [{ capacity: 5, refillRate: 1 }], logger: { warn: (_m, { code }) => void warned.push(code) } }));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const url = await serve(app);
    await fetch(url);
    expect(warned).toEqual(['BW_PERMISSIVE_TRUST_PROXY']);
  });

  it('warns once about a rate limit mounted twice', async () => {
    const warned: string[] = [];
    const limiter = rateLimit({ name: 'api', limits: [{ capacity: 50, refillRate: 1 }], logger: { warn: (_m, { code }) => void warned.push(code) } });
    const app = new Koa();
    app.use(limiter);
    app.use(async (ctx, next) => (ctx.path === '/twice' ? limiter(ctx, next) : next()));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const url = await serve(app);
    for (let i = 0; i < 3; i++) await fetch(`${url}/once`);
    expect(warned).toEqual([]);
    await fetch(`${url}/twice`);
    expect(warned).toEqual(['BW_DOUBLE_COUNT']);
  });
});

describe('koa breaker health', () => {
  it('serves every breaker and one by name, 503 when a critical one is open', async () => {
    const { circuitBreakerHealth } = await import('../src/index.js');
    const { Registry } = await import('@breakwater/core');
    const registry = new Registry();
    const app = new Koa();
    app.use(circuitBreakerHealth({ registry, critical: ['cb'] }));
    app.use(circuitBreaker({ name: 'cb', registry, trip: { consecutiveFailures: 1 } }));
    app.use((ctx) => {
      ctx.status = 500;
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/health/circuit-breakers`)).json()).toMatchObject({ status: 'healthy' });
    await fetch(`${url}/boom`);
    expect((await fetch(`${url}/health/circuit-breakers`)).status).toBe(503);
    expect(await (await fetch(`${url}/health/circuit-breakers/cb`)).json()).toMatchObject({ breaker: { state: 'open' } });
    expect((await fetch(`${url}/health/circuit-breakers/x`)).status).toBe(404);
  });

  it('a thrown error the fallback answered still reaches the app’s error event, and ctx.throw(4xx) is not answered', async () => {
    const app = new Koa();
    const logged: unknown[] = [];
    app.on('error', (error: unknown) => void logged.push(error));
    app.use(circuitBreaker({ name: 'cb', fallback: { status: 200, body: 'fallback' } }));
    app.use((ctx) => {
      if (ctx.path === '/gone') ctx.throw(410, 'gone');
      throw new Error('db down');
    });
    const url = await serve(app);
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('fallback');
    expect(logged).toHaveLength(1);
    expect((logged[0] as Error).message).toBe('db down');
    expect((await fetch(`${url}/gone`)).status).toBe(410);
  });
});

