import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, type HttpOptions, type RouteGuards } from '@breakwater/core';
import { ManualClock, parsePrometheusText, type PrometheusSample } from '@breakwater/core/testing';
import { Registry as PromRegistry } from 'prom-client';
import { afterEach } from 'vitest';
import { Gate, type Flaky, type Harness } from './harness.js';

/** One running scenario: its server, clock, registry, gate and logged warning codes. */
export interface Running {
  readonly url: string;
  readonly clock: ManualClock;
  readonly registry: Registry;
  readonly gate: Gate;
  readonly warnings: string[];
  readonly flaky: Flaky;
  get(path: string, headers?: Record<string, string>, signal?: AbortSignal): Promise<Response>;
  /** Scrapes `GET /metrics` and parses the Prometheus text. */
  scrape(): Promise<PrometheusSample[]>;
  close(): Promise<void>;
}

/** Starts `harness` with `guards`; time starts at 0 on a ManualClock shared by every policy. */
export async function start(harness: Harness, guards: RouteGuards, http: HttpOptions = {}, trustProxy: 'off' | 'loopback' = 'off'): Promise<Running> {
  const clock = new ManualClock(0);
  const registry = new Registry();
  const gate = new Gate();
  const warnings: string[] = [];
  const logger = { warn: (_message: string, details: { code: string }) => void warnings.push(details.code) };
  const flaky: Flaky = { mode: 'ok' };
  const server = await harness.start({ guards, http: { clock, registry, logger, ...http }, trustProxy, gate, flaky, promRegistry: new PromRegistry() });
  const get: Running['get'] = (path, headers = {}, signal) => fetch(`${server.url}${path}`, signal === undefined ? { headers } : { headers, signal });
  return {
    url: server.url,
    clock,
    registry,
    gate,
    warnings,
    flaky,
    get,
    scrape: async () => {
      const res = await get('/metrics');
      if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
      return parsePrometheusText(await res.text());
    },
    close: async () => {
      gate.release();
      await server.close();
    },
  };
}

/** Opens one scenario app at a time (opening another closes the previous), closed after each test; call inside a `describe`. */
export function scenarioApps(harness: Harness): (...args: Parameters<typeof start> extends [Harness, ...infer R] ? R : never) => Promise<Running> {
  let app: Running | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  return async (...args) => {
    await app?.close();
    return (app = await start(harness, ...args));
  };
}

/** Waits (on I/O turns, never on a timer) until `predicate` holds: completion hooks run after the client has its response. */
export async function until(predicate: () => boolean, turns = 2_000): Promise<void> {
  for (let i = 0; i < turns && !predicate(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!predicate()) throw new Error('condition not reached');
}

/** The state of a registered breaker. */
export function breakerState(registry: Registry, name: string): string | undefined {
  const snapshot = registry.get('circuit-breaker', name)?.snapshot() as { state?: string } | undefined;
  return snapshot?.state;
}

/** Calls a registered breaker counted (successes and failures in its window, or since its last state change). */
export function breakerCalls(registry: Registry, name: string): number | undefined {
  const snapshot = registry.get('circuit-breaker', name)?.snapshot() as { calls?: number } | undefined;
  return snapshot?.calls;
}

/** Starts a `/t/hold` request, aborts it once the handler runs, and waits until the server saw the client go. */
export async function abandonHeld(a: Running): Promise<void> {
  const abort = new AbortController();
  const held = a.get('/t/hold', {}, abort.signal).catch(() => undefined);
  await until(() => a.gate.entered === 1);
  abort.abort();
  await held;
  await until(() => a.gate.gone === 1);
}

/** A store whose every call fails, as a store outage would. */
export function failingStore(): never {
  const down = () => Promise.reject(new Error('store down'));
  return { consume: down, consumeAll: down, peek: down, reset: down } as never;
}

/** Calls holding a slot of a registered bulkhead. */
export function bulkheadActive(registry: Registry, name: string): number {
  const snapshot = registry.get('bulkhead', name)?.snapshot() as { active?: number } | undefined;
  return snapshot?.active ?? -1;
}

/** Waits for a Node HTTP server started with `listen(0, '127.0.0.1')`: its URL, and a close that drops open connections. */
export async function listening(server: Server): Promise<{ readonly url: string; close(): Promise<void> }> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
