import { listening, runDashboardScenarios } from 'adapter-scenarios';
import Koa from 'koa';
import { dashboard } from '../src/index.js';

runDashboardScenarios('koa', (options) => {
  const app = new Koa();
  app.use(dashboard(options));
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/open') ctx.body = 'open';
    else await next();
  });
  return listening(app.listen(0, '127.0.0.1'));
});
