import { Registry } from '@breakwater/core';
import { listening, runDashboardScenarios } from 'adapter-scenarios';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { dashboard } from '../src/index.js';

runDashboardScenarios('express', (options) => {
  const app = express();
  app.use(dashboard(options));
  app.get('/open', (_req, res) => void res.send('open'));
  return listening(app.listen(0, '127.0.0.1'));
});

describe('express dashboard mounted under a prefix', () => {
  it('serves the page and its stream below the mount path', async () => {
    const app = express();
    app.use('/ops', dashboard({ registry: new Registry() }));
    const server = await listening(app.listen(0, '127.0.0.1'));
    try {
      expect((await fetch(`${server.url}/ops/dashboard`)).status).toBe(200);
      const abort = new AbortController();
      const events = await fetch(`${server.url}/ops/dashboard/events`, { signal: abort.signal });
      expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
      abort.abort();
      expect((await fetch(`${server.url}/dashboard`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
