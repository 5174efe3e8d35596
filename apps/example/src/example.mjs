// Everything the example app is made of, before any framework: the registry, the store, the
// upstreams, the guards of each route, the handlers and the dashboard's options.
import { MemoryStore, Registry } from '@breakwater/core';
import { Registry as PromRegistry } from 'prom-client';
import { exampleGuards, LastGood } from './guards.mjs';
import { createHandlers } from './handlers.mjs';
import { demoApiKeys } from './routes.mjs';
import { createUpstreams } from './upstreams.mjs';

/**
 * @param {{ framework: string, store?: import('@breakwater/core').Store, storeName?: string, tuning?: object, upstreams?: object }} options
 */
export function createExample({ framework, store = new MemoryStore(), storeName = 'memory', tuning, upstreams: upstreamSettings }) {
  const registry = new Registry();
  const upstreams = createUpstreams(upstreamSettings);
  const lastGood = new LastGood();
  const guards = exampleGuards({ lastGood, store, tuning });
  const describe = () => ({ app: 'breakwater example', framework, store: storeName });
  return {
    registry,
    upstreams,
    guards,
    /** Options every adapter factory takes: one registry for every policy (health, dashboard). */
    http: { registry },
    handlers: createHandlers({ upstreams, lastGood, describe }),
    health: { registry, critical: ['catalog'] },
    dashboard: { registry, quotaKeys: demoApiKeys.map((key) => `key:${key}`) },
    /** A prom-client registry of this app's own, so that several apps in one process (the tests) never share one. */
    metrics: { registry, promRegistry: new PromRegistry() },
  };
}
