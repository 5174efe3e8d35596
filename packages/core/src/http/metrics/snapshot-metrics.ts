import type { BulkheadSnapshot } from '../../bulkhead/snapshot.js';
import type { CircuitBreakerSnapshot } from '../../circuit-breaker/snapshot.js';
import type { CircuitStateName } from '../../circuit-breaker/state.js';
import type { PolicySnapshotBase } from '../../policy/observable-policy.js';
import type { QuotaSnapshot } from '../../quota/snapshot.js';
import type { RateLimitSnapshot } from '../../rate-limit/snapshot.js';
import type { Registry } from '../../registry/registry.js';
import type { TimeoutSnapshot } from '../../timeout/snapshot.js';
import type { PromCounter, PromGauge } from './prom-client.js';

/** The metrics read from snapshots at scrape time (nothing is counted between scrapes). */
export interface SnapshotMetrics {
  readonly circuitState: PromGauge;
  readonly rateLimitDecisions: PromCounter;
  readonly rateLimitQueued: PromGauge;
  readonly quotaDecisions: PromCounter;
  readonly quotaLimit: PromGauge;
  readonly bulkheadActive: PromGauge;
  readonly bulkheadQueued: PromGauge;
  readonly bulkheadCapacity: PromGauge;
  readonly timeouts: PromCounter;
}

const circuitStates: readonly CircuitStateName[] = ['closed', 'open', 'half-open', 'isolated', 'disabled', 'metrics-only'];
const rateLimitDecisions = ['allowed', 'limited', 'rejected', 'delayed', 'shadowed'] as const;

/** Writers of one scrape: each fills the metrics of one policy kind from its snapshot. */
const writers: Readonly<Record<string, (m: SnapshotMetrics, snapshot: PolicySnapshotBase, limits: unknown) => void>> = {
  'circuit-breaker': (m, s) => {
    const { name, state } = s as CircuitBreakerSnapshot;
    for (const each of circuitStates) m.circuitState.set({ name, state: each }, each === state ? 1 : 0);
  },
  'rate-limit': (m, s) => {
    const snapshot = s as RateLimitSnapshot;
    for (const decision of rateLimitDecisions) m.rateLimitDecisions.inc({ policy: snapshot.name, decision }, snapshot[decision]);
    m.rateLimitQueued.set({ policy: snapshot.name }, snapshot.queued);
  },
  quota: (m, s, limits) => {
    const snapshot = s as QuotaSnapshot;
    m.quotaDecisions.inc({ policy: snapshot.name, decision: 'allowed' }, snapshot.allowed);
    m.quotaDecisions.inc({ policy: snapshot.name, decision: 'exceeded' }, snapshot.exceeded);
    for (const period of snapshot.periods) {
      const limit = (limits as Record<string, number | undefined> | undefined)?.[period];
      if (limit !== undefined) m.quotaLimit.set({ policy: snapshot.name, period }, limit);
    }
  },
  bulkhead: (m, s) => {
    const snapshot = s as BulkheadSnapshot;
    const labels = { policy: snapshot.name };
    m.bulkheadActive.set(labels, snapshot.active);
    m.bulkheadQueued.set(labels, snapshot.queued);
    m.bulkheadCapacity.set(labels, snapshot.maxConcurrent);
  },
  timeout: (m, s) => m.timeouts.inc({ policy: s.name }, (s as TimeoutSnapshot).timedOut),
};

/**
 * Refills every snapshot metric from the registry's policies: series of policies that left the
 * registry disappear, counters read the policies' own running counts.
 */
export function refreshSnapshots(metrics: SnapshotMetrics, registry: Registry): void {
  for (const metric of Object.values(metrics) as (PromGauge | PromCounter)[]) metric.reset();
  for (const policy of registry.list()) {
    const write = writers[policy.kind];
    if (write === undefined) continue;
    try {
      write(metrics, policy.snapshot(), (policy as { options?: { limits?: unknown } }).options?.limits);
    } catch {
      // One policy failing to report must not break the scrape of the others.
    }
  }
}
