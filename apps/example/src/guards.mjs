// The guards of each route, as plain options shared by the Express, Fastify and Koa apps. Every
// policy is named, so that the registry (and the dashboard, the health route) holds one of each.
import { fallbackChain } from '@breakwater/core';

/**
 * Tunables the guided demo and the tests change; the defaults suit a person clicking around. Tests
 * slow the limits' refill down so that their outcome does not depend on how fast a busy machine sends
 * requests (`search` and `feed` are merged into the limits).
 */
export const defaultTuning = Object.freeze({
  recoveryTimeout: '3s',
  catalogTimeout: '1s',
  slowTimeout: '1500ms',
  search: Object.freeze({ capacity: 10, refillRate: 5 }),
  feed: Object.freeze({ capacity: 20, refillRate: 20 }),
});

/** The last successful catalog answer, for the fallback chain's second tier. */
export class LastGood {
  #entry;
  record(body) {
    this.#entry = { body, at: Date.now() };
  }
  /** The response to serve, or a thrown error (the chain then tries its next tier). */
  response(maxAgeMs) {
    const entry = this.#entry;
    if (entry === undefined) throw new Error('no good catalog response yet');
    const ageMs = Date.now() - entry.at;
    if (ageMs > maxAgeMs) throw new Error(`the last good catalog response is ${ageMs} ms old`);
    return { status: 200, headers: { age: String(Math.floor(ageMs / 1000)) }, body: { ...entry.body, source: 'last-good' } };
  }
}

const staticCatalog = { source: 'static-default', items: [], note: 'The catalog is temporarily unavailable; showing no products.' };

/** The client key of the reports quota: the API key when one is sent, else the caller's IP. */
const apiKeyOrIp = (input) => {
  const apiKey = input.header('x-api-key');
  return apiKey === undefined || apiKey === '' ? input.client : `key:${apiKey}`;
};

/**
 * Builds each route's guards. `store` holds rate-limit and quota counts and, when it is a RedisStore
 * (which also holds breaker state), the catalog breaker's state: every instance then shares them.
 * Bulkheads and timeouts cap this process's own work, so they stay in each process.
 */
export function exampleGuards({ lastGood, store, tuning = defaultTuning }) {
  const breakerStore = typeof store.bindBreaker === 'function' ? { store } : {};
  const { recoveryTimeout, catalogTimeout, slowTimeout, search, feed } = { ...defaultTuning, ...tuning };
  const catalogFallback = fallbackChain({
    name: 'catalog-fallback',
    tiers: [
      { name: 'last-good', run: () => lastGood.response(10 * 60_000) },
      { name: 'static-default', value: { status: 200, headers: {}, body: staticCatalog } },
    ],
  });
  return {
    catalogFallback,
    catalog: {
      circuitBreaker: {
        name: 'catalog',
        trip: { consecutiveFailures: 5, failureRate: { threshold: 0.5, minimumCalls: 10, window: { type: 'time', duration: '10s' } } },
        recoveryTimeout,
        backoff: { multiplier: 2, maxRecoveryTimeout: '30s' },
        maxProbes: 1,
        successThreshold: 2,
        ...breakerStore,
      },
      timeout: { name: 'catalog', duration: catalogTimeout },
      fallback: catalogFallback,
      // The fallback answers the breaker's refusals only, so that the upstream's own 502s (which the
      // breaker counts) stay visible while it is closed. The default (true) would answer them too.
      fallbackOnFailure: false,
    },
    search: {
      rateLimit: { name: 'search-per-ip', store, onStoreError: 'local', limits: [{ name: 'per-ip', ...search }] },
    },
    feed: {
      rateLimit: {
        name: 'feed-global',
        store,
        onStoreError: 'local',
        limits: [{ name: 'global', key: () => '*', ...feed }],
        delay: { maxWait: '2s', maxQueue: 50 },
      },
    },
    reports: {
      quota: {
        name: 'reports',
        store,
        onStoreError: 'failOpen',
        limits: { hour: 50, day: 200 },
        timeZone: 'UTC',
        key: apiKeyOrIp,
        cost: (input) => (input.path.endsWith('/export') ? 10 : 1),
      },
    },
    slow: {
      bulkhead: { name: 'reports-engine', maxConcurrent: 2, maxQueue: 2, queueTimeout: '2s' },
      timeout: { name: 'slow', duration: slowTimeout },
    },
  };
}
