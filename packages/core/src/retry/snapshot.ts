import type { PolicySnapshotBase } from '../policy/observable-policy.js';
import type { RetryBudgetSnapshot } from './budget.js';

/** A retry policy's figures at one instant, from `snapshot()`. */
export interface RetrySnapshot extends PolicySnapshotBase {
  readonly kind: 'retry';
  /** Retries scheduled since the policy was built. */
  readonly retries: number;
  /** Calls given up on (attempts or budget exhausted). */
  readonly gaveUp: number;
  /** The budget's figures, or null without one. `health` is `degraded` while it allows no retry. */
  readonly budget: RetryBudgetSnapshot | null;
}
