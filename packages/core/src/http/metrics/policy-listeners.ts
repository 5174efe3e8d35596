import type { CallFailed, CallRejected, CallSucceeded, SlowCall } from '../../circuit-breaker/events.js';
import type { StateChange } from '../../circuit-breaker/state.js';
import type { Disposable } from '../../events/disposable.js';
import type { ObservablePolicy } from '../../policy/observable-policy.js';
import type { PromCounter, PromHistogram } from './prom-client.js';

/** The metrics fed by policy events (each event is one increment or one observation). */
export interface EventMetrics {
  readonly calls: PromCounter;
  readonly slowCalls: PromCounter;
  readonly callDuration: PromHistogram;
  readonly rejections: PromCounter;
  readonly transitions: PromCounter;
}

type Subscribe<E> = (listener: (event: E) => void) => Disposable;

interface BreakerEvents {
  onSuccess: Subscribe<CallSucceeded>;
  onFailure: Subscribe<CallFailed>;
  onSlowCall: Subscribe<SlowCall>;
  onReject: Subscribe<CallRejected>;
  onStateChange: Subscribe<StateChange>;
}

const callOutcomes = ['success', 'failure', 'rejected'] as const;

/**
 * Subscribes `metrics` to the events of one policy, and creates its series at zero (so that a rate
 * over a series that never moved is 0, not absent). Returns the subscriptions to dispose.
 */
export function listenTo(policy: ObservablePolicy, metrics: EventMetrics): Disposable[] {
  const name = policy.name;
  switch (policy.kind) {
    case 'circuit-breaker':
      return listenToBreaker(policy as unknown as BreakerEvents, name, metrics);
    case 'bulkhead':
    case 'rate-limit':
    case 'quota':
      return [listenToRejections(policy, metrics.rejections)];
    default:
      return [];
  }
}

function listenToBreaker(breaker: BreakerEvents, policy: string, m: EventMetrics): Disposable[] {
  for (const outcome of callOutcomes) m.calls.inc({ policy, outcome }, 0);
  m.slowCalls.inc({ policy }, 0);
  m.callDuration.zero({ policy, outcome: 'success' });
  m.callDuration.zero({ policy, outcome: 'failure' });
  const success = { policy, outcome: 'success' };
  const failure = { policy, outcome: 'failure' };
  const rejected = { policy, outcome: 'rejected' };
  return [
    breaker.onSuccess((event) => counted(m, success, event.durationMs)),
    breaker.onFailure((event) => counted(m, failure, event.durationMs)),
    breaker.onSlowCall(() => m.slowCalls.inc({ policy })),
    breaker.onReject((event) => {
      m.calls.inc(rejected);
      m.rejections.inc({ kind: 'circuit-breaker', policy, reason: event.reason });
    }),
    breaker.onStateChange((change) => m.transitions.inc({ name: policy, from: change.from, to: change.to })),
  ];
}

/** A call that ran: one count, and its duration when it was measured (calls begun before anyone listened were not). */
function counted(m: EventMetrics, labels: Record<string, string>, durationMs: number): void {
  m.calls.inc(labels);
  if (Number.isFinite(durationMs)) m.callDuration.observe(labels, Math.max(0, durationMs) / 1000);
}

/** Bulkhead, rate-limit and quota rejections: the reason, or for a quota the calendar period used up. */
function listenToRejections(policy: ObservablePolicy, rejections: PromCounter): Disposable {
  const kind = policy.kind;
  const onReject = (policy as unknown as { onReject: Subscribe<{ reason?: string; decision?: { period?: string } }> }).onReject.bind(policy);
  return onReject((event) => rejections.inc({ kind, policy: policy.name, reason: event.reason ?? event.decision?.period ?? 'exceeded' }));
}
