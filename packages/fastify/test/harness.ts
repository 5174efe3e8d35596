import type { Harness } from 'adapter-scenarios';
import Fastify from 'fastify';
import { breakwater, metrics } from '../src/index.js';

/** Serves the scenario app with Fastify: the plugin's `global` guards on `/t/*`, `/open` opted out. */
export const fastifyHarness: Harness = {
  name: 'fastify',
  async start({ guards, http, trustProxy, gate, flaky, promRegistry }) {
    const app = Fastify({ trustProxy: trustProxy === 'loopback' ? '127.0.0.1' : false });
    await app.register(breakwater, { ...http, routes: [{ path: '/t/*', ...guards }] });
    app.get('/metrics', { config: { breakwater: false } }, metrics({ registry: app.breakwater.registry, promRegistry }));
    app.get('/open', async () => ({ open: true }));
    app.get('/t/ok', async () => ({ ok: true }));
    app.get('/t/fail', async (_request, reply) => reply.code(500).send({ failed: true }));
    app.get('/t/flaky', async (_request, reply) => {
      if (flaky.mode === 'throw') throw new Error('flaky failed');
      if (flaky.mode === 'fail') return reply.code(500).send({ failed: true });
      return { flaky: true };
    });
    app.get('/t/throw', async () => {
      throw new Error('handler failed');
    });
    app.get('/t/hold', async (request, reply) => {
      request.raw.once('close', () => void (reply.raw.writableFinished || gate.noteGone()));
      await gate.wait();
      if (!reply.sent) return { held: true };
      return reply;
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};
