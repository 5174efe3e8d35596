import type { CircuitBreakerSnapshot } from '../../circuit-breaker/snapshot.js';
import type { BulkheadSnapshot } from '../../bulkhead/snapshot.js';
import type { HealthStatus, PolicySnapshotBase } from '../../policy/observable-policy.js';
import type { QuotaUsage } from '../../quota/decision.js';
import type { QuotaSnapshot } from '../../quota/snapshot.js';
import type { RateLimitSnapshot } from '../../rate-limit/snapshot.js';
import type { TimeoutSnapshot } from '../../timeout/snapshot.js';

/** One state change on a breaker's timeline. */
export interface TimelineEntry {
  /** Epoch ms. */
  readonly at: number;
  /** The state before; equal to `to` for the state the dashboard found when it began watching. */
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** A breaker's panel: its snapshot, its recent state changes, and calls per second since the previous frame. */
export interface BreakerPanel extends CircuitBreakerSnapshot {
  readonly timeline: readonly TimelineEntry[];
  readonly successesPerSecond: number;
  readonly failuresPerSecond: number;
  /** Calls turned away without reaching the dependency (open, half-open with every probe taken). */
  readonly rejectedPerSecond: number;
}

/** A rate limit's panel: its snapshot plus per-second figures since the previous frame. */
export interface RateLimitPanel extends RateLimitSnapshot {
  readonly allowedPerSecond: number;
  readonly limitedPerSecond: number;
  readonly rejectedPerSecond: number;
}

/** A quota's panel: its snapshot, per-second figures and the usage of the keys asked for. */
export interface QuotaPanel extends QuotaSnapshot {
  readonly allowedPerSecond: number;
  readonly exceededPerSecond: number;
  /** One entry per key in `quotaKeys` (null when the store could not be read). */
  readonly usage: readonly (QuotaUsage | null)[];
}

/** A bulkhead's panel: its snapshot plus rejections per second. */
export interface BulkheadPanel extends BulkheadSnapshot {
  readonly rejectedPerSecond: number;
}

/** A timeout's panel: its snapshot plus timeouts per second. */
export interface TimeoutPanel extends TimeoutSnapshot {
  readonly timedOutPerSecond: number;
}

/** The health of one store, from the failures its policies reported (`onStoreFailure`). */
export interface StorePanel {
  /** The store's class (`MemoryStore`, `RedisStore`), or `memory` for policies with their own memory store. */
  readonly name: string;
  /** True when the store is shared between processes. */
  readonly shared: boolean;
  /** `failing` while a policy reported a failure within `storeFailureWindow`, else `ok`. */
  readonly status: 'ok' | 'failing';
  /** The rate limits and quotas counting in it. */
  readonly policies: readonly string[];
  /** Failures reported since the dashboard began watching. */
  readonly failures: number;
  /** Epoch ms of the last failure, or null. */
  readonly lastFailureAt: number | null;
  /** The last failure's message, or null. */
  readonly lastError: string | null;
  /** What the policy did instead (`failOpen`, `failClosed`, `local`), or null. */
  readonly mode: string | null;
}

/** What the dashboard sends each interval: every registered policy with its derived figures. */
export interface DashboardFrame {
  /** Epoch ms. */
  readonly at: number;
  readonly intervalMs: number;
  /** The registry's overall health. */
  readonly health: HealthStatus;
  readonly breakers: readonly BreakerPanel[];
  readonly rateLimits: readonly RateLimitPanel[];
  readonly quotas: readonly QuotaPanel[];
  readonly bulkheads: readonly BulkheadPanel[];
  readonly timeouts: readonly TimeoutPanel[];
  readonly stores: readonly StorePanel[];
  /** Policies of other kinds (retries, custom policies): their snapshots as they are. */
  readonly others: readonly PolicySnapshotBase[];
}
