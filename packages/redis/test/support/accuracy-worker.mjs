// One worker process of the accuracy test: `clients` concurrent callers on one token bucket until
// `endAt` (epoch ms, sent by the test over IPC once every worker is ready), through the RedisStore
// (mode "lua"; "lua-batched" with `batchDecisions`) or a naive read-modify-write store (mode
// "naive": GET, decide in JavaScript, SET).
// Sends {"result": {admitted, calls, errors, firstAt}} back over IPC.
import { limitStep } from '@breakwater/core';
import { Redis } from 'ioredis';
import { RedisStore } from '../../dist/index.js';

const [port, mode, clients, prefix, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);
const client = new Redis({ port: Number(port), host: '127.0.0.1', enableOfflineQueue: true, maxRetriesPerRequest: 1 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const naive = {
  async consume(s, key, cost, now) {
    const name = `${prefix}:${s.id}:{${key}}`;
    const raw = await client.get(name);
    const step = limitStep(raw ? JSON.parse(raw) : undefined, s, now, cost);
    if (step.decision.allowed) await client.set(name, JSON.stringify(step.state), 'PX', 60_000);
    return step.decision;
  },
};
const store = mode === 'naive' ? naive : new RedisStore({ client, prefix, commandTimeout: 2000, batchDecisions: mode === 'lua-batched' });

let admitted = 0;
let calls = 0;
let errors = 0;
await client.ping();
const { startAt, endAt } = await new Promise((resolve) => {
  process.once('message', resolve);
  process.send('ready');
});
await sleep(Math.max(0, Number(startAt) - Date.now()));
const firstAt = Date.now();
await Promise.all(
  Array.from({ length: Number(clients) }, async () => {
    while (Date.now() < Number(endAt)) {
      calls++;
      try {
        const decision = await store.consume(spec, 'hot', 1, Date.now());
        if (decision.allowed) admitted++;
        else await sleep(Math.min(decision.retryAfterMs, Number(endAt) - Date.now()));
      } catch {
        errors++;
      }
    }
  }),
);
client.disconnect();
process.send({ result: { admitted, calls, errors, firstAt } }, () => process.disconnect());
