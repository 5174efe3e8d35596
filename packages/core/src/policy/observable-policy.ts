/** How a policy is doing: `healthy` serves normally, `degraded` serves partly, `unhealthy` rejects. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** The part every policy snapshot shares. */
export interface PolicySnapshotBase {
  /** The policy's kind, e.g. `circuit-breaker`. */
  readonly kind: string;
  readonly name: string;
  readonly health: HealthStatus;
}

/** A policy a {@link Registry} can hold and report on. */
export interface ObservablePolicy<S extends PolicySnapshotBase = PolicySnapshotBase> {
  readonly name: string;
  readonly kind: string;
  /** Figures at this instant; plain data, safe to serialise. */
  snapshot(): S;
  /** Releases timers and subscriptions. */
  close(): void;
}
