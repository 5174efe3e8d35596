import { Registry } from '@breakwater/core';
import { listening } from 'adapter-scenarios';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { circuitBreaker } from '../src/index.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** An app whose routes answer failures in the ways Express handlers do, behind a breaker with a static fallback. */
async function serve(): Promise<{ readonly url: string; failures(): number }> {
  const registry = new Registry();
  const app = express();
  app.use(circuitBreaker({ name: 'cb', registry, trip: { consecutiveFailures: 100 }, fallback: { status: 200, body: 'fallback' } }));
  app.get('/write-head', (_req, res) => {
    res.writeHead(503, { 'x-from-handler': 'yes', 'content-type': 'text/plain' });
    res.end('raw');
  });
  app.get('/flushed', (_req, res) => {
    res.status(500);
    res.flushHeaders();
    res.end('too late');
  });
  app.get('/sent-then-throw', (_req, res, next) => {
    res.status(200).write('partial');
    next(new Error('after headers'));
  });
  app.get('/streamed', (_req, res) => {
    res.status(500).type('text/plain');
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 20; i++) res.write(chunk);
    res.end('end');
  });
  app.get('/ok', (_req, res) => void res.send('ok'));
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) return void res.end();
    res.status(500).send('error handler');
  });
  const server = await listening(app.listen(0, '127.0.0.1'));
  close = server.close;
  return { url: server.url, failures: () => (registry.get('circuit-breaker', 'cb')?.snapshot() as unknown as { failures: number }).failures };
}

describe('express: a fallback answering the handler’s failure', () => {
  it('replaces an explicit writeHead(5xx) response and the headers given to it', async () => {
    const { url, failures } = await serve();
    const res = await fetch(`${url}/write-head`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('fallback');
    expect(res.headers.get('x-breakwater-fallback')).toBe('static');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('x-from-handler')).toBeNull();
    expect(failures()).toBe(1);
  });

  it('holds flushHeaders() of a failure until the fallback decides; cannot replace headers already sent', async () => {
    const { url, failures } = await serve();
    const flushed = await fetch(`${url}/flushed`);
    expect(flushed.status).toBe(200);
    expect(await flushed.text()).toBe('fallback');
    const partial = await fetch(`${url}/sent-then-throw`);
    expect(partial.status).toBe(200);
    expect(await partial.text()).toBe('partial');
    expect((await fetch(`${url}/ok`)).status).toBe(200);
    expect(failures()).toBe(1);
  });

  it('lets a failing body longer than 1 MiB stream through unchanged', async () => {
    const { url, failures } = await serve();
    const res = await fetch(`${url}/streamed`);
    expect(res.status).toBe(500);
    expect(res.headers.get('x-breakwater-fallback')).toBeNull();
    expect((await res.text()).length).toBe(20 * 64 * 1024 + 3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures()).toBe(1);
  });
});
