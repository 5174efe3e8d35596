import { listening, runDashboardScenarios } from 'adapter-scenarios';
import express from 'express';
import { dashboard } from '../src/index.js';

runDashboardScenarios('express', (options) => {
  const app = express();
  app.use(dashboard(options));
  app.get('/open', (_req, res) => void res.send('open'));
  return listening(app.listen(0, '127.0.0.1'));
});
