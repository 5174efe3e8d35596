#!/usr/bin/env node
// `pnpm start`: runs the example app until Ctrl-C.
//   --framework express|fastify|koa (or FRAMEWORK), --port 3000 (or PORT), --host (or HOST),
//   REDIS_URL=redis://127.0.0.1:6379 keeps every rate limit and quota in Redis.
import { parseArgs } from 'node:util';
import { exampleRoutes } from './routes.mjs';
import { startExample } from './server.mjs';

// `pnpm start -- --port 3001` forwards the `--` as well.
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    framework: { type: 'string', default: process.env.FRAMEWORK ?? 'express' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  process.exit(2);
}

let app;
try {
  app = await startExample({ framework: values.framework, port, host: values.host, redisUrl: process.env.REDIS_URL });
} catch (error) {
  console.error(`The example could not start: ${error.message}`);
  process.exit(1);
}

console.log(`Breakwater example on ${app.framework}, ${app.store === 'redis' ? 'limits and quotas in Redis' : 'limits and quotas in memory'}: ${app.url}\n`);
if (app.warning) console.warn(`warning: ${app.warning}\n`);
const width = Math.max(...exampleRoutes.map((route) => route.path.length)) + app.url.length + 1;
for (const route of exampleRoutes) console.log(`  ${route.method.padEnd(4)} ${`${app.url}${route.try ?? route.path}`.padEnd(width)}  ${route.shows}`);
console.log(`
Try an outage:  curl -X POST -H 'content-type: application/json' -d '{"outage":true}' ${app.url}/admin/upstreams/catalog
Guided demo:    pnpm demo   (normal traffic -> an upstream outage -> recovery, narrated)
Stop with Ctrl-C.`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
