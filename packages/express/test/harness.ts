import { listening, type Harness } from 'adapter-scenarios';
import express from 'express';
import { metrics, resilience } from '../src/index.js';

/** Serves the scenario app with Express and `resilience()`. */
export const expressHarness: Harness = {
  name: 'express',
  async start({ guards, http, trustProxy, gate, flaky, promRegistry }) {
    const app = express();
    app.set('trust proxy', trustProxy === 'loopback' ? 'loopback' : false);
    app.use(metrics({ registry: http.registry!, promRegistry }));
    app.use(resilience({ ...http, routes: [{ path: '/t/*', ...guards }] }));
    app.get('/open', (_req, res) => void res.json({ open: true }));
    app.get('/t/ok', (_req, res) => void res.json({ ok: true }));
    app.get('/t/fail', (_req, res) => void res.status(500).json({ failed: true }));
    app.get('/t/flaky', (_req, res) => {
      if (flaky.mode === 'throw') throw new Error('flaky failed');
      if (flaky.mode === 'fail') return void res.status(500).json({ failed: true });
      res.json({ flaky: true });
    });
    app.get('/t/throw', () => {
      throw new Error('handler failed');
    });
    app.get('/t/hold', async (_req, res) => {
      res.once('close', () => void (res.writableFinished || gate.noteGone()));
      await gate.wait();
      if (!res.headersSent) res.json({ held: true });
    });
    // Keep the default handler's stack traces out of the test output.
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).json({ error: true }));
    return listening(app.listen(0, '127.0.0.1'));
  },
};
