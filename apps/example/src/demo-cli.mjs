#!/usr/bin/env node
// `pnpm demo`: the guided demo (normal traffic -> an upstream outage -> recovery); exits 0 when done.
//   --framework express|fastify|koa (or FRAMEWORK); REDIS_URL keeps limits and quotas in Redis.
import { parseArgs } from 'node:util';
import { runGuidedDemo } from './demo.mjs';

const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: { framework: { type: 'string', default: process.env.FRAMEWORK ?? 'express' } },
});

try {
  await runGuidedDemo({ framework: values.framework, redisUrl: process.env.REDIS_URL });
  process.exit(0);
} catch (error) {
  console.error(`\nThe demo failed: ${error.stack ?? error}`);
  process.exit(1);
}
