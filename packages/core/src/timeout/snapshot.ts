import type { PolicySnapshotBase } from '../policy/observable-policy.js';

/** A timeout policy's figures at one instant, from `snapshot()`. */
export interface TimeoutSnapshot extends PolicySnapshotBase {
  readonly kind: 'timeout';
  readonly timeoutMs: number;
  /** Calls started and not yet settled or timed out. */
  readonly inFlight: number;
  /** Calls that passed the deadline since the policy was built. */
  readonly timedOut: number;
}
