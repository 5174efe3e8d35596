import { createRequire } from 'node:module';
import { MissingPeerDependencyError } from '../../errors/missing-peer-dependency-error.js';

/**
 * The part of a prom-client `Registry` Breakwater uses. A prom-client `Registry` (or its default
 * `register`) fits it; core does not depend on prom-client's types.
 */
export interface PromRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
}

/** Labels of one series. */
export type PromLabels = Record<string, string>;

/** What every metric constructor takes. */
export interface PromMetricConfig {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly registers: readonly PromRegistry[];
  readonly buckets?: readonly number[];
  collect?(): void;
}

/** A prom-client `Counter`, as used here. */
export interface PromCounter {
  inc(labels: PromLabels, value?: number): void;
  reset(): void;
}

/** A prom-client `Gauge`, as used here. */
export interface PromGauge {
  set(labels: PromLabels, value: number): void;
  reset(): void;
}

/** A prom-client `Histogram`, as used here. */
export interface PromHistogram {
  observe(labels: PromLabels, value: number): void;
  zero(labels: PromLabels): void;
}

/** The prom-client module, as used here (`import * as client from 'prom-client'` fits). */
export interface PromClient {
  readonly register: PromRegistry;
  readonly Counter: new (config: never) => unknown;
  readonly Gauge: new (config: never) => unknown;
  readonly Histogram: new (config: never) => unknown;
}

/** Loads modules the way `require` does; swapped in tests to simulate a missing package. */
export type ModuleLoader = (id: string) => unknown;

let loadHere: ModuleLoader | undefined;

/** `require` relative to this package, created on first use. */
function defaultLoader(id: string): unknown {
  loadHere ??= createRequire(import.meta.url);
  return loadHere(id);
}

/**
 * Loads prom-client when metrics are first set up, so that core never depends on it. A missing or
 * unusable module throws {@link MissingPeerDependencyError} naming the package to install.
 */
export function loadPromClient(load: ModuleLoader = defaultLoader): PromClient {
  let loaded: unknown;
  try {
    loaded = load('prom-client');
  } catch (error) {
    throw new MissingPeerDependencyError('prom-client', 'Prometheus metrics', error);
  }
  if (!isPromClient(loaded)) throw new MissingPeerDependencyError('prom-client', 'Prometheus metrics (the module loaded has no Counter, Gauge, Histogram and register)');
  return loaded;
}

/** True for an object shaped like the prom-client module. */
export function isPromClient(value: unknown): value is PromClient {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return typeof client['Counter'] === 'function' && typeof client['Gauge'] === 'function' && typeof client['Histogram'] === 'function' && isPromRegistry(client['register']);
}

/** True for an object shaped like a prom-client `Registry`. */
export function isPromRegistry(value: unknown): value is PromRegistry {
  if (typeof value !== 'object' || value === null) return false;
  const registry = value as Record<string, unknown>;
  return typeof registry['metrics'] === 'function' && typeof registry['getSingleMetric'] === 'function' && typeof registry['removeSingleMetric'] === 'function';
}
