import { parseOptions } from '../../config/parse-options.js';
import { ConfigError } from '../../errors/config-error.js';
import type { Disposable } from '../../events/disposable.js';
import type { ObservablePolicy } from '../../policy/observable-policy.js';
import type { Registry } from '../../registry/registry.js';
import type { HttpResponse } from '../http-response.js';
import { metricCatalogue, type MetricKey } from './catalogue.js';
import { metricsOptionsSchema, type MetricsOptions, type ResolvedMetricsOptions } from './metrics-options.js';
import { listenTo, type EventMetrics } from './policy-listeners.js';
import { loadPromClient, type PromClient, type PromMetricConfig, type PromRegistry } from './prom-client.js';
import { refreshSnapshots, type SnapshotMetrics } from './snapshot-metrics.js';

/** Collectors already attached to a prom-client registry: a second `metrics()` for the same pair reuses one. */
const attached = new WeakMap<PromRegistry, PrometheusMetrics>();

/**
 * Breakwater's Prometheus metrics for one registry: gauges and snapshot counters are read from the
 * policies when prom-client collects (at scrape time); call counts, durations, rejections and state
 * changes come from the policies' events, subscribed only while this collector exists. Policies
 * registered later are picked up as they register.
 *
 * @example
 * ```ts
 * const metrics = prometheusMetrics({ registry });
 * const { status, headers, body } = await metrics.scrape();
 * ```
 */
export class PrometheusMetrics {
  /** The prom-client registry the metrics live in. */
  readonly promRegistry: PromRegistry;
  readonly registry: Registry;
  readonly #names: readonly string[];
  readonly #events: EventMetrics;
  readonly #subscriptions: Disposable[] = [];
  readonly #seen = new WeakSet<ObservablePolicy>();
  #fresh = false;

  /** Use {@link prometheusMetrics}, which reuses the collector already attached to a prom-client registry. */
  constructor(options: ResolvedMetricsOptions, client: PromClient = options.client ?? loadPromClient()) {
    this.registry = options.registry;
    this.promRegistry = options.promRegistry ?? client.register;
    const names = Object.values(metricCatalogue).map((m) => `${options.prefix}${m.name}`);
    const taken = names.find((name) => this.promRegistry.getSingleMetric(name) !== undefined);
    if (taken !== undefined) throw new ConfigError([{ path: 'metrics.promRegistry', message: `already holds a metric named ${taken}; give each collector its own registry or prefix`, received: this.promRegistry }]);
    this.#names = names;
    const snapshots = {} as Record<string, unknown>;
    const events = {} as Record<string, unknown>;
    for (const [key, definition] of Object.entries(metricCatalogue) as [MetricKey, (typeof metricCatalogue)[MetricKey]][]) {
      const config: PromMetricConfig = { name: `${options.prefix}${definition.name}`, help: definition.help, labelNames: definition.labels, registers: [this.promRegistry] };
      const fromSnapshot = key !== 'calls' && key !== 'slowCalls' && key !== 'callDuration' && key !== 'rejections' && key !== 'circuitTransitions';
      const collect = fromSnapshot ? () => this.#refresh(snapshots as unknown as SnapshotMetrics) : undefined;
      const Type = definition.type === 'counter' ? client.Counter : definition.type === 'gauge' ? client.Gauge : client.Histogram;
      const metric = new Type({ ...config, ...(definition.type === 'histogram' ? { buckets: options.durationBuckets } : {}), ...(collect ? { collect } : {}) } as never);
      (fromSnapshot ? snapshots : events)[key === 'circuitTransitions' ? 'transitions' : key] = metric;
    }
    this.#events = events as unknown as EventMetrics;
    for (const policy of this.registry.list()) this.#watch(policy);
    this.#subscriptions.push(this.registry.onRegister((policy) => this.#watch(policy)));
  }

  /**
   * The text exposition of the prom-client registry (Breakwater's metrics and any others in it) as a
   * response: 200 with prom-client's content type, or 500 when a collector fails.
   */
  async scrape(): Promise<HttpResponse> {
    const headers = { 'cache-control': 'no-store' };
    try {
      const body = await this.promRegistry.metrics();
      return { status: 200, headers: { ...headers, 'content-type': this.promRegistry.contentType }, body };
    } catch (error) {
      return { status: 500, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, body: `metrics collection failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Stops listening and removes the metrics from the prom-client registry. */
  close(): void {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    for (const name of this.#names) this.promRegistry.removeSingleMetric(name);
    if (attached.get(this.promRegistry) === this) attached.delete(this.promRegistry);
  }

  #watch(policy: ObservablePolicy): void {
    if (this.#seen.has(policy)) return;
    this.#seen.add(policy);
    this.#subscriptions.push(...listenTo(policy, this.#events));
  }

  /** Refills the snapshot metrics once per collection (prom-client collects every metric in one turn). */
  #refresh(metrics: SnapshotMetrics): void {
    if (this.#fresh) return;
    this.#fresh = true;
    queueMicrotask(() => (this.#fresh = false));
    refreshSnapshots(metrics, this.registry);
  }
}

/**
 * Attaches Breakwater's Prometheus metrics to a prom-client registry (its default one unless
 * `promRegistry` is given), or returns the collector already attached there for the same Breakwater
 * registry. prom-client is an optional peer dependency, loaded here: without it this throws
 * `MissingPeerDependencyError` (`ERR_MISSING_PEER_DEPENDENCY`) naming the package to install.
 *
 * @example
 * ```ts
 * import { Registry as PromRegistry } from 'prom-client';
 * const metrics = prometheusMetrics({ registry, promRegistry: new PromRegistry() });
 * app.get('/metrics', async (_req, res) => { const r = await metrics.scrape(); res.status(r.status).set(r.headers).send(r.body); });
 * ```
 */
export function prometheusMetrics(options: MetricsOptions, root = 'metrics'): PrometheusMetrics {
  const resolved = parseOptions(root, metricsOptionsSchema, options);
  const client = resolved.client ?? loadPromClient();
  const promRegistry = resolved.promRegistry ?? client.register;
  const existing = attached.get(promRegistry);
  if (existing !== undefined) {
    if (existing.registry === resolved.registry) return existing;
    throw new ConfigError([{ path: `${root}.promRegistry`, message: 'already reports another Breakwater registry; give each registry its own prom-client Registry', received: promRegistry }]);
  }
  const metrics = new PrometheusMetrics({ ...resolved, promRegistry }, client);
  attached.set(promRegistry, metrics);
  return metrics;
}
