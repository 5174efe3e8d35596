// One app instance of the shared-breaker tests: a RedisStore on its own ioredis client (single node or
// Cluster) and one breaker bound to it, driven by the test process over IPC. Every request
// `{ id, op, ... }` is answered with `{ id, ...result }`. The worker records every state change (with
// the local instant it was seen), every store-status event and every unhandled rejection or
// uncaught exception, and never exits on its own.
import { circuitBreaker } from '@breakwater/core';
import { Cluster, Redis } from 'ioredis';
import { RedisStore } from '../../dist/index.js';

const config = JSON.parse(process.argv[2]);
const faults = [];
process.on('unhandledRejection', (reason) => faults.push(`unhandledRejection: ${reason?.stack ?? reason}`));
process.on('uncaughtException', (error) => faults.push(`uncaughtException: ${error?.stack ?? error}`));

const retryStrategy = () => 50;
const client = config.cluster
  ? new Cluster(
      config.cluster.map((port) => ({ host: '127.0.0.1', port })),
      { enableOfflineQueue: false, clusterRetryStrategy: retryStrategy, redisOptions: { maxRetriesPerRequest: 1, retryStrategy } },
    )
  : new Redis({ port: config.port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy });
client.on('error', () => undefined); // expected while Redis is down
const store = new RedisStore({ client, prefix: config.prefix, commandTimeout: config.commandTimeout ?? 200, breaker: config.store });
const breaker = circuitBreaker({ name: 'shared', ...config.breaker, store });

const changes = [];
const statuses = [];
breaker.onStateChange((change) => changes.push({ ...change, seenAt: Date.now() }));
breaker.onStoreStatus((event) => statuses.push({ status: event.status, reason: event.reason, at: Date.now() }));

const held = [];
let load;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fail = () => Promise.reject(new Error('dependency down'));

async function call(fn) {
  try {
    await breaker.execute(fn);
    return 'ok';
  } catch (error) {
    return error?.code === 'ERR_CIRCUIT_OPEN' ? 'rejected' : 'failed';
  }
}

async function waitFor(check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(2);
  }
  return true;
}

const ops = {
  /**
   * Connected and sharing. A breaker built before its client connected starts on its local breaker
   * and joins the shared state at its first successful read: that start is not part of a scenario.
   */
  async ready() {
    await waitFor(() => client.status === 'ready', 10_000);
    await waitFor(() => store.breakerStatus().shared === 'shared', 10_000);
    await store.syncBreakers();
    changes.length = 0;
    statuses.length = 0;
    return { state: breaker.state };
  },
  /** `n` calls one after another; `outcome` 'fail' or 'succeed'. */
  async calls({ n, outcome }) {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await call(outcome === 'fail' ? fail : async () => 'fine'));
    if (config.syncAfterCalls !== false) await store.syncBreakers();
    return { results };
  },
  async waitState({ state, timeoutMs = 5_000 }) {
    return { reached: await waitFor(() => breaker.state === state, timeoutMs), state: breaker.state };
  },
  /** `n` admissions at once; admitted permits are held. */
  async burst({ n }) {
    const admissions = await Promise.all(Array.from({ length: n }, () => breaker.acquire()));
    const admitted = admissions.filter((admission) => admission.admitted);
    held.push(...admitted);
    return { admitted: admitted.length, reasons: [...new Set(admissions.filter((a) => !a.admitted).map((a) => a.reason))] };
  },
  /**
   * The probe race done the naive way (a read-then-write lease count, as a non-atomic shared breaker
   * would): `n` admissions at once, each reading the count, comparing, then writing count + 1.
   */
  async naiveBurst({ n, maxProbes, key }) {
    const admitted = await Promise.all(
      Array.from({ length: n }, async () => {
        const live = Number((await client.get(key)) ?? 0);
        if (live >= maxProbes) return false;
        await client.set(key, String(live + 1), 'PX', 60_000);
        return true;
      }),
    );
    return { admitted: admitted.filter(Boolean).length };
  },
  async resetNaive({ key }) {
    await client.del(key);
    return {};
  },
  async settle({ outcome }) {
    for (const permit of held.splice(0)) {
      if (outcome === 'fail') permit.failure(new Error('probe failed'));
      else permit.success();
    }
    await store.syncBreakers();
    return { state: breaker.state };
  },
  /** Calls every `everyMs` until stopped, counting results (the load while Redis goes away). */
  startLoad({ everyMs, outcome }) {
    const counts = { ok: 0, rejected: 0, failed: 0 };
    const state = { running: true, counts };
    state.done = (async () => {
      while (state.running) {
        counts[await call(outcome === 'fail' ? fail : async () => 'fine')]++;
        await sleep(everyMs);
      }
    })();
    load = state;
    return {};
  },
  async stopLoad() {
    load.running = false;
    await load.done;
    return { counts: load.counts };
  },
  report() {
    return { state: breaker.state, snapshot: breaker.snapshot(), changes, statuses, faults, storeStatus: store.breakerStatus() };
  },
};

process.on('message', async (message) => {
  const { id, op, ...args } = message;
  try {
    process.send({ id, ...(await ops[op](args)) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.send({ id: 0, started: true });
