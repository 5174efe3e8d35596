import { listening, type Harness } from 'adapter-scenarios';
import Koa from 'koa';
import { metrics, resilience } from '../src/index.js';

/** Serves the scenario app with Koa and `resilience()`. */
export const koaHarness: Harness = {
  name: 'koa',
  async start({ guards, http, trustProxy, gate, flaky, promRegistry }) {
    const app = new Koa({ proxy: trustProxy === 'loopback', maxIpsCount: trustProxy === 'loopback' ? 1 : 0 });
    app.silent = true;
    app.use(metrics({ registry: http.registry!, promRegistry }));
    app.use(resilience({ ...http, routes: [{ path: '/t/*', ...guards }] }));
    app.use(async (ctx) => {
      switch (ctx.path) {
        case '/open': ctx.body = { open: true }; return;
        case '/t/ok': ctx.body = { ok: true }; return;
        case '/t/fail': ctx.status = 500; ctx.body = { failed: true }; return;
        case '/t/throw': throw new Error('handler failed');
        case '/t/flaky':
          if (flaky.mode === 'throw') throw new Error('flaky failed');
          ctx.status = flaky.mode === 'fail' ? 500 : 200;
          ctx.body = flaky.mode === 'fail' ? { failed: true } : { flaky: true };
          return;
        case '/t/hold':
          ctx.res.once('close', () => void (ctx.res.writableFinished || gate.noteGone()));
          await gate.wait();
          ctx.body = { held: true };
          return;
        default: ctx.status = 404;
      }
    });
    return listening(app.listen(0, '127.0.0.1'));
  },
};
