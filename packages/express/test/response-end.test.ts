import { Registry, type BulkheadSnapshot, type CircuitBreakerSnapshot } from '@breakwater/core';
import { listening } from 'adapter-scenarios';
import express from 'express';
import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { resilience } from '../src/index.js';
import { socketOf } from '../src/request-socket.js';

/** A raw keep-alive connection: sends request text, waits for a number of responses in all. */
class Connection {
  text = '';
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    socket.on('close', () => (this.closed = true));
  }

  static open(url: string): Promise<Connection> {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    return new Promise((resolve, reject) => socket.once('connect', () => resolve(new Connection(socket))).once('error', reject));
  }

  send(...paths: string[]): void {
    this.socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`).join(''));
  }

  /** Status codes of the responses received so far, in order. */
  statuses(): number[] {
    return [...this.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1]));
  }

  async responses(count: number): Promise<number[]> {
    await until(() => this.statuses().length >= count);
    return this.statuses();
  }
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 5_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Calls a handler waits on, and the gate that lets them go. */
class Gate {
  #open: (() => void)[] = [];
  held = 0;
  /** Held calls whose client went away. */
  left = 0;
  wait(): Promise<void> {
    this.held++;
    return new Promise((resolve) => this.#open.push(resolve));
  }
  release(): void {
    for (const open of this.#open.splice(0)) open();
  }
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function app(registry: Registry, gate: Gate): express.Express {
  const server = express();
  server.use(resilience({ registry, routes: [{ path: '/*', circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 100 } }, bulkhead: { name: 'pool', maxConcurrent: 10 } }] }));
  server.get('/ok', (_req, res) => void res.send('ok'));
  server.get('/fail', (_req, res) => void res.status(500).send('fail'));
  server.get('/hold', async (_req, res) => {
    res.once('close', () => void (res.writableFinished || gate.left++));
    await gate.wait();
    res.send('held');
  });
  return server;
}

async function serve(server: express.Express): Promise<string> {
  const listener = await listening(server.listen(0, '127.0.0.1'));
  close = listener.close;
  return listener.url;
}

const breaker = (registry: Registry) => registry.get('circuit-breaker', 'cb')!.snapshot() as CircuitBreakerSnapshot;
const pool = (registry: Registry) => registry.get('bulkhead', 'pool')!.snapshot() as BulkheadSnapshot;

describe('express responses settle once, whichever way they end', () => {
  it('count every response of a keep-alive connection, the first ones and the later ones', async () => {
    const registry = new Registry();
    const url = await serve(app(registry, new Gate()));
    const connection = await Connection.open(url);
    for (let sent = 1; sent <= 6; sent++) {
      connection.send(sent % 3 === 0 ? '/fail' : '/ok');
      await connection.responses(sent);
      await until(() => breaker(registry).successes + breaker(registry).failures === sent);
    }
    expect(connection.statuses()).toEqual([200, 200, 500, 200, 200, 500]);
    expect(breaker(registry)).toMatchObject({ successes: 4, failures: 2 });
    expect(pool(registry).active).toBe(0);
    connection.socket.destroy();
  });

  it('count pipelined requests one by one', async () => {
    const registry = new Registry();
    const url = await serve(app(registry, new Gate()));
    const connection = await Connection.open(url);
    connection.send('/ok');
    await connection.responses(1);
    connection.send('/ok', '/fail', '/ok', '/fail');
    expect(await connection.responses(5)).toEqual([200, 200, 500, 200, 500]);
    await until(() => breaker(registry).calls === 5);
    expect(breaker(registry)).toMatchObject({ successes: 3, failures: 2 });
    expect(pool(registry).active).toBe(0);
    connection.socket.destroy();
  });

  /** The test app on a new server, one connection to it, and the gate its `/hold` route waits on. */
  async function holding(): Promise<{ registry: Registry; gate: Gate; connection: Connection }> {
    const registry = new Registry();
    const gate = new Gate();
    const connection = await Connection.open(await serve(app(registry, gate)));
    return { registry, gate, connection };
  }

  it('release the slot of a client that leaves a kept-alive connection when its handler ends, counting nothing', async () => {
    const { registry, gate, connection } = await holding();
    connection.send('/ok');
    await connection.responses(1);
    await until(() => breaker(registry).calls === 1);
    connection.send('/hold');
    await until(() => gate.held === 1);
    expect(pool(registry).active).toBe(1);
    connection.socket.destroy();
    await until(() => gate.left === 1);
    // The handler still runs: its slot is held until it ends.
    expect(pool(registry).active).toBe(1);
    gate.release();
    await until(() => pool(registry).active === 0);
    expect(breaker(registry)).toMatchObject({ calls: 1, successes: 1, failures: 0 });
  });

  it('release the slot of a first request whose client leaves', async () => {
    const { registry, gate, connection } = await holding();
    connection.send('/hold');
    await until(() => gate.held === 1);
    connection.socket.destroy();
    await until(() => gate.left === 1);
    expect(pool(registry).active).toBe(1);
    gate.release();
    await until(() => pool(registry).active === 0);
    expect(breaker(registry).calls).toBe(0);
  });

  it('settle a response that no node:http server reports, from its own close', async () => {
    const registry = new Registry();
    const handler = app(registry, new Gate());
    // A response on a socket of no server, as test tools build them: the diagnostics channel never sees it.
    for (let sent = 0; sent < 3; sent++) {
      const socket = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
      const req = new IncomingMessage(socket as unknown as Socket);
      req.method = 'GET';
      req.url = '/ok';
      const res = new ServerResponse(req);
      res.assignSocket(socket as unknown as Socket);
      const ended = new Promise((resolve) => res.once('close', resolve));
      res.once('finish', () => socket.destroy());
      handler(req, res);
      await ended;
    }
    await until(() => breaker(registry).calls === 3);
    expect(breaker(registry)).toMatchObject({ successes: 3, failures: 0 });
    expect(pool(registry).active).toBe(0);
  });
});

describe('the request socket', () => {
  it('is the request\'s own, whether the middleware runs in the turn Node parsed the request or later', async () => {
    const seen: boolean[] = [];
    const socketReads: Record<string, number> = { '/now': 0, '/later': 0 };
    const ofSocketOf: Record<string, number> = { '/now': 0, '/later': 0 };
    const server = express();
    // Counts the reads of `req.socket` made after this point.
    server.use((req, _res, next) => {
      const socket = req.socket;
      Object.defineProperty(req, 'socket', { configurable: true, get: () => (socketReads[req.originalUrl]!++, socket) });
      next();
    });
    server.use('/later', async (_req, _res, next) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      next();
    });
    server.use((req, res) => {
      const before = socketReads[req.originalUrl]!;
      const socket = socketOf(req);
      ofSocketOf[req.originalUrl]! += socketReads[req.originalUrl]! - before;
      seen.push(socket === req.socket);
      res.send(String(socket?.remotePort));
    });
    const url = await serve(server);
    const connection = await Connection.open(url);
    connection.send('/now', '/later', '/now', '/later');
    await connection.responses(4);
    const other = await Connection.open(url);
    other.send('/later', '/now');
    await other.responses(2);
    expect(seen).toEqual([true, true, true, true, true, true]);
    // In the turn Node parsed it, the socket came from the channel's message; later, from the request
    // when another request started in between (here at least one did).
    expect(ofSocketOf['/now']).toBe(0);
    expect(ofSocketOf['/later']).toBeGreaterThan(0);
    expect(connection.text).toContain(String(connection.socket.localPort));
    expect(other.text).not.toContain(String(connection.socket.localPort));
    connection.socket.destroy();
    other.socket.destroy();
  });
});

describe('a request whose client left before the middleware ran', () => {
  it('is released, not counted, also on a connection the channel already reported', async () => {
    for (const verified of [false, true]) {
      const registry = new Registry();
      const socketClosed = new Gate();
      const server = express();
      // Earlier middleware that awaits: the client leaves meanwhile.
      server.use('/late', (req, _res, next) => {
        req.socket.once('close', () => socketClosed.release());
        void socketClosed.wait().then(() => next());
      });
      server.use(resilience({ registry, routes: [{ path: '/*', circuitBreaker: { name: 'cb' }, bulkhead: { name: 'pool', maxConcurrent: 10 } }] }));
      server.use((_req, res) => void res.send('ok'));
      const url = await serve(server);
      const connection = await Connection.open(url);
      if (verified) {
        connection.send('/ok');
        await connection.responses(1);
        await until(() => breaker(registry).calls === 1);
      }
      connection.send('/late');
      await until(() => socketClosed.held === 1);
      connection.socket.destroy();
      await until(() => pool(registry).active === 0 && pool(registry).rejected === 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pool(registry).active, `verified: ${verified}`).toBe(0);
      expect(breaker(registry).calls, `verified: ${verified}`).toBe(verified ? 1 : 0);
      await close?.();
      close = undefined;
    }
  });
});
