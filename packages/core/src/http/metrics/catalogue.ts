/** One metric Breakwater exports: its name without the prefix, its type, help text and labels. */
export interface MetricDefinition {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labels: readonly string[];
}

/**
 * Every metric Breakwater exports, without the `breakwater_` prefix. Counters end in `_total`,
 * durations are in seconds, following the Prometheus naming conventions. docs/adapters.md lists the
 * same table.
 */
export const metricCatalogue = {
  circuitState: { name: 'circuit_state', type: 'gauge', help: 'Circuit breaker state: 1 for the current state, 0 for the others.', labels: ['name', 'state'] },
  circuitTransitions: { name: 'circuit_transitions_total', type: 'counter', help: 'Circuit breaker state changes.', labels: ['name', 'from', 'to'] },
  calls: { name: 'calls_total', type: 'counter', help: 'Calls through a circuit breaker by outcome: success, failure or rejected.', labels: ['policy', 'outcome'] },
  slowCalls: { name: 'slow_calls_total', type: 'counter', help: 'Calls through a circuit breaker that took at least its slow-call duration.', labels: ['policy'] },
  callDuration: { name: 'call_duration_seconds', type: 'histogram', help: 'Duration of calls through a circuit breaker, by outcome (success or failure).', labels: ['policy', 'outcome'] },
  rejections: { name: 'rejections_total', type: 'counter', help: 'Calls turned away, by policy kind, policy and reason.', labels: ['kind', 'policy', 'reason'] },
  rateLimitDecisions: { name: 'ratelimit_decisions_total', type: 'counter', help: 'Rate-limit decisions: allowed, limited, rejected, delayed, shadowed.', labels: ['policy', 'decision'] },
  rateLimitQueued: { name: 'ratelimit_queued', type: 'gauge', help: 'Calls waiting in a rate limit delay queue.', labels: ['policy'] },
  quotaDecisions: { name: 'quota_decisions_total', type: 'counter', help: 'Quota decisions: allowed (charged) or exceeded.', labels: ['policy', 'decision'] },
  quotaLimit: { name: 'quota_limit', type: 'gauge', help: 'Calls a quota allows per client in each calendar period.', labels: ['policy', 'period'] },
  bulkheadActive: { name: 'bulkhead_active', type: 'gauge', help: 'Calls holding a bulkhead slot.', labels: ['policy'] },
  bulkheadQueued: { name: 'bulkhead_queued', type: 'gauge', help: 'Calls waiting for a bulkhead slot.', labels: ['policy'] },
  bulkheadCapacity: { name: 'bulkhead_capacity', type: 'gauge', help: 'Bulkhead slots (maxConcurrent).', labels: ['policy'] },
  timeouts: { name: 'timeouts_total', type: 'counter', help: 'Calls that passed the deadline of a timeout policy.', labels: ['policy'] },
} as const satisfies Record<string, MetricDefinition>;

/** Keys of {@link metricCatalogue}. */
export type MetricKey = keyof typeof metricCatalogue;

/** Default buckets of `call_duration_seconds`, in seconds. */
export const defaultDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
