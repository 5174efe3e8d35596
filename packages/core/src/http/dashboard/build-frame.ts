import type { BulkheadSnapshot } from '../../bulkhead/snapshot.js';
import type { CircuitBreakerSnapshot } from '../../circuit-breaker/snapshot.js';
import type { ObservablePolicy, PolicySnapshotBase } from '../../policy/observable-policy.js';
import type { QuotaUsage } from '../../quota/decision.js';
import type { QuotaSnapshot } from '../../quota/snapshot.js';
import type { RateLimitSnapshot } from '../../rate-limit/snapshot.js';
import type { Store } from '../../store/store.js';
import type { TimeoutSnapshot } from '../../timeout/snapshot.js';
import type { DashboardFrame, StorePanel } from './frame.js';
import type { ResolvedDashboardOptions } from './options.js';
import type { PolicyWatch } from './policy-watch.js';
import type { RateMeter } from './rate-meter.js';

interface UsageReader {
  usage(key: string): Promise<QuotaUsage>;
}

/** Everything a frame is built from. */
export interface FrameSources {
  readonly options: ResolvedDashboardOptions;
  readonly watch: PolicyWatch;
  readonly meter: RateMeter;
}

type Panels = Pick<DashboardFrame, 'breakers' | 'rateLimits' | 'quotas' | 'bulkheads' | 'timeouts' | 'others'>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };
type Rate = (snapshot: PolicySnapshotBase, field: string, value: number) => number;

/** Builds one frame: every registered policy's snapshot, with the figures derived from events and rates. */
export async function buildFrame({ options, watch, meter }: FrameSources): Promise<DashboardFrame> {
  const { registry, clock } = options;
  watch.scan(registry);
  const at = clock.now();
  // Both in registration order, read in one synchronous step: snapshot i is policy i's.
  const policies = registry.list();
  const { health, policies: snapshots } = registry.snapshot();
  const rate: Rate = (snapshot, field, value) => meter.perSecond(`${snapshot.kind}\u0000${snapshot.name}\u0000${field}`, value, at);
  const panels: Mutable<Panels> = { breakers: [], rateLimits: [], quotas: [], bulkheads: [], timeouts: [], others: [] };
  await Promise.all(policies.map((policy, i) => addPanel(panels, policy, snapshots[i] as PolicySnapshotBase, rate, { options, watch })));
  return { at, intervalMs: options.interval, health, ...panels, stores: storePanels(policies, watch, at - options.storeFailureWindow) };
}

/** Adds a policy's panel to its section; resolves once a quota's usage has been read. */
function addPanel(panels: Mutable<Panels>, policy: ObservablePolicy, snapshot: PolicySnapshotBase, rate: Rate, { options, watch }: Omit<FrameSources, 'meter'>): Promise<void> | undefined {
  switch (snapshot.kind) {
    case 'circuit-breaker': {
      const breaker = snapshot as CircuitBreakerSnapshot;
      const counts = watch.counts(breaker.name);
      const perSecond = { successesPerSecond: rate(breaker, 'successes', counts.successes), failuresPerSecond: rate(breaker, 'failures', counts.failures), rejectedPerSecond: rate(breaker, 'rejected', counts.rejected) };
      return void panels.breakers.push({ ...breaker, timeline: watch.timeline(breaker.name), ...perSecond });
    }
    case 'rate-limit': {
      const limit = snapshot as RateLimitSnapshot;
      const perSecond = { allowedPerSecond: rate(limit, 'allowed', limit.allowed), limitedPerSecond: rate(limit, 'limited', limit.limited), rejectedPerSecond: rate(limit, 'rejected', limit.rejected) };
      return void panels.rateLimits.push({ ...limit, ...perSecond });
    }
    case 'quota': {
      const quota = snapshot as QuotaSnapshot;
      const panel = { ...quota, allowedPerSecond: rate(quota, 'allowed', quota.allowed), exceededPerSecond: rate(quota, 'exceeded', quota.exceeded), usage: [] as (QuotaUsage | null)[] };
      panels.quotas.push(panel);
      return readUsage(policy as unknown as UsageReader, keysOf(options, quota.name)).then((usage) => void panel.usage.push(...usage));
    }
    case 'bulkhead': {
      const bulkhead = snapshot as BulkheadSnapshot;
      return void panels.bulkheads.push({ ...bulkhead, rejectedPerSecond: rate(bulkhead, 'rejected', bulkhead.rejected) });
    }
    case 'timeout': {
      const timeout = snapshot as TimeoutSnapshot;
      return void panels.timeouts.push({ ...timeout, timedOutPerSecond: rate(timeout, 'timedOut', timeout.timedOut) });
    }
    default:
      return void panels.others.push(snapshot);
  }
}

function keysOf(options: ResolvedDashboardOptions, quota: string): readonly string[] {
  const keys = options.quotaKeys;
  return typeof keys === 'function' ? keys(quota) : keys;
}

function readUsage(quota: UsageReader, keys: readonly string[]): Promise<(QuotaUsage | null)[]> {
  if (typeof quota.usage !== 'function') return Promise.resolve([]);
  return Promise.all(keys.map((key) => quota.usage(key).catch(() => null)));
}

/** One panel per store the rate limits and quotas count in; policies with their own memory store share one. */
function storePanels(policies: readonly ObservablePolicy[], watch: PolicyWatch, failingSince: number): StorePanel[] {
  const groups = new Map<Store | undefined, ObservablePolicy[]>();
  for (const policy of policies) {
    if (policy.kind !== 'rate-limit' && policy.kind !== 'quota') continue;
    const store = (policy as { options?: { store?: Store } }).options?.store;
    groups.set(store, [...(groups.get(store) ?? []), policy]);
  }
  return [...groups].map(([store, members]) => {
    const failures = members.map((policy) => watch.failure(policy.kind, policy.name)).filter((record) => record !== undefined);
    const last = failures.reduce<(typeof failures)[number] | undefined>((latest, record) => (latest === undefined || record.at > latest.at ? record : latest), undefined);
    return {
      name: store === undefined ? 'memory' : (store.constructor?.name ?? 'store'),
      shared: store?.shared ?? false,
      status: last !== undefined && last.at >= failingSince ? 'failing' : 'ok',
      policies: members.map((policy) => policy.name),
      failures: failures.reduce((sum, record) => sum + record.count, 0),
      lastFailureAt: last?.at ?? null,
      lastError: last?.error ?? null,
      mode: last?.mode ?? null,
    };
  });
}
