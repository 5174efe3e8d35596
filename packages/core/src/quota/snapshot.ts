import type { PolicySnapshotBase } from '../policy/observable-policy.js';
import type { StoreStats } from '../store/store.js';
import type { QuotaPeriod } from './calendar.js';
import type { QuotaDecision } from './decision.js';

/** A quota's figures at one instant, from `snapshot()`. */
export interface QuotaSnapshot extends PolicySnapshotBase {
  readonly kind: 'quota';
  readonly timeZone: string;
  readonly periods: readonly QuotaPeriod[];
  /** Calls admitted. */
  readonly allowed: number;
  /** Calls turned away because a window was used up. */
  readonly exceeded: number;
  /** The store's figures (keys, evictions), when it reports them. */
  readonly store: StoreStats | null;
}

/** A quota call was turned away. */
export interface QuotaRejected {
  readonly policy: string;
  /** The exhausted window's decision. */
  readonly decision: QuotaDecision;
}
