import { IncomingMessage, request as httpRequest, ServerResponse, createServer } from 'node:http';
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setResponseField, setResponseFields } from '../src/index.js';

const response = () => new ServerResponse(new IncomingMessage(new Socket()));

describe('setResponseField (rate-limit fields on a Node response)', () => {
  afterEach(() => vi.resetModules());

  it('sets a field, merges RateLimit lists with what an earlier guard or the app set, and overwrites other values', () => {
    const res = response();
    setResponseField(res, 'ratelimit', '"a";r=1;t=60');
    expect(res.getHeader('ratelimit')).toBe('"a";r=1;t=60');
    setResponseField(res, 'ratelimit', '"b";r=2;t=30');
    expect(res.getHeader('RateLimit')).toBe('"a";r=1;t=60, "b";r=2;t=30');

    const app = response();
    app.setHeader('RateLimit-Policy', '"app";q=5;w=1');
    app.setHeader('X-RateLimit-Limit', '7');
    setResponseField(app, 'ratelimit-policy', '"api";q=100;w=60');
    setResponseField(app, 'x-ratelimit-limit', '100');
    expect(app.getHeader('ratelimit-policy')).toBe('"app";q=5;w=1, "api";q=100;w=60');
    expect(app.getHeader('x-ratelimit-limit')).toBe('100');
    expect(app.getHeaderNames().sort()).toEqual(['ratelimit-policy', 'x-ratelimit-limit']);
  });

  it('puts the fields in the head Node sends, beside the handler\'s own', async () => {
    const server = createServer((req, res) => {
      setResponseField(res, 'ratelimit', '"api";r=9;t=60');
      setResponseField(res, 'ratelimit-policy', '"api";q=10;w=60');
      res.setHeader('Content-Type', 'text/plain');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const raw = await new Promise<string[]>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port }, (res) => {
          res.resume();
          resolve(res.rawHeaders);
        })
          .on('error', reject)
          .end();
      });
      expect(raw).toEqual(expect.arrayContaining(['ratelimit', '"api";r=9;t=60', 'ratelimit-policy', '"api";q=10;w=60', 'Content-Type', 'text/plain']));
    } finally {
      server.close();
    }
  });

  /** A response that keeps its fields elsewhere (as HTTP/2's compatibility response does). */
  function elsewhere() {
    const fields = new Map<string, unknown>();
    return { fields, headersSent: false, getHeader: (name: string) => fields.get(name.toLowerCase()), setHeader: vi.fn((name: string, value: string) => fields.set(name.toLowerCase(), value)) };
  }

  it('goes through setHeader for a response without the table, and once the head is sent', () => {
    setResponseField(response(), 'ratelimit', '"x";r=1;t=1'); // the table is known from here on
    const other = elsewhere();
    setResponseField(other, 'ratelimit', '"a";r=1;t=60');
    setResponseField(other, 'ratelimit', '"b";r=2;t=30');
    expect(other.fields.get('ratelimit')).toBe('"a";r=1;t=60, "b";r=2;t=30');
    expect(other.setHeader).toHaveBeenCalledTimes(2);

    const sent = response();
    sent.writeHead(200);
    expect(() => setResponseField(sent, 'ratelimit', '"a";r=1;t=60')).toThrow(/headers after they are sent/);
  });

  it('setResponseFields writes each field as setResponseField does, asking once whether the head is sent', () => {
    const res = response();
    res.setHeader('RateLimit', '"app";r=1;t=5');
    const isHeadSent = vi.fn((r: { headersSent: boolean }) => r.headersSent);
    setResponseFields(res, { ratelimit: '"api";r=9;t=60', 'ratelimit-policy': '"api";q=10;w=60' }, isHeadSent);
    expect(isHeadSent).toHaveBeenCalledTimes(1);
    expect(res.getHeader('ratelimit')).toBe('"app";r=1;t=5, "api";r=9;t=60');
    expect(res.getHeader('ratelimit-policy')).toBe('"api";q=10;w=60');

    // No field: nothing asked, nothing written.
    const untouched = response();
    setResponseFields(untouched, {}, isHeadSent);
    expect(isHeadSent).toHaveBeenCalledTimes(1);
    expect(untouched.getHeaderNames()).toEqual([]);

    // The caller's answer decides: a head it says is sent goes through setHeader (which refuses a head really sent).
    const setHeader = vi.spyOn(res, 'setHeader');
    setResponseFields(res, { ratelimit: '"b";r=1;t=1' }, () => true);
    expect(setHeader).toHaveBeenCalledWith('ratelimit', '"app";r=1;t=5, "api";r=9;t=60, "b";r=1;t=1');
    const sent = response();
    sent.writeHead(200);
    expect(() => setResponseFields(sent, { ratelimit: '"a";r=1;t=60' })).toThrow(/headers after they are sent/);
  });

  it('looks for the table again on a later response when the first cannot tell', async () => {
    const { setResponseField: fresh } = await import('../src/http/response-fields.js');
    const other = elsewhere();
    fresh(other, 'ratelimit', '"a";r=1;t=60');
    expect(other.setHeader).toHaveBeenCalledTimes(1);
    const res = response();
    const setHeader = vi.spyOn(res, 'setHeader');
    fresh(res, 'ratelimit', '"b";r=2;t=30');
    fresh(res, 'ratelimit-policy', '"b";q=2;w=30');
    expect(setHeader).not.toHaveBeenCalled();
    expect([res.getHeader('ratelimit'), res.getHeader('ratelimit-policy')]).toEqual(['"b";r=2;t=30', '"b";q=2;w=30']);
  });
});
