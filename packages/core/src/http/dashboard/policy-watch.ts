import type { Clock } from '../../clock/clock.js';
import type { StateChange } from '../../circuit-breaker/state.js';
import type { Disposable } from '../../events/disposable.js';
import type { ObservablePolicy } from '../../policy/observable-policy.js';
import type { Registry } from '../../registry/registry.js';
import type { StoreFailure } from '../../store/outage-guard.js';
import type { TimelineEntry } from './frame.js';

/** The last store failure a policy reported. */
export interface FailureRecord {
  readonly count: number;
  readonly at: number;
  readonly error: string;
  readonly mode: string;
}

/** Calls a breaker settled or turned away while a page was open. */
export interface BreakerCounts {
  successes: number;
  failures: number;
  rejected: number;
}

interface BreakerEvents {
  onStateChange(listener: (change: StateChange) => void): Disposable;
  onSuccess(listener: () => void): Disposable;
  onFailure(listener: () => void): Disposable;
  onReject(listener: () => void): Disposable;
  snapshot(): { readonly state: string; readonly stateChangedAt: number };
}

interface StoreEvents {
  onStoreFailure(listener: (failure: StoreFailure) => void): Disposable;
}

/**
 * What the dashboard learns from policy events rather than snapshots: each breaker's state changes
 * (a change and its reverse can both fall between two frames) and each rate limit's and quota's store
 * failures. It listens only while a page is open; what it learned is kept (bounded) in between.
 */
export class PolicyWatch {
  readonly #timelineSize: number;
  readonly #clock: Clock;
  readonly #timelines = new Map<string, TimelineEntry[]>();
  readonly #failures = new Map<string, FailureRecord>();
  readonly #counts = new Map<string, BreakerCounts>();
  readonly #subscriptions = new Map<ObservablePolicy, readonly Disposable[]>();
  #watchers = 0;

  constructor(timelineSize: number, clock: Clock) {
    this.#timelineSize = timelineSize;
    this.#clock = clock;
  }

  /** One more page is open: start listening (if it is the first). */
  attach(): void {
    this.#watchers++;
  }

  /** A page closed: stop listening once none is left. */
  detach(): void {
    if (this.#watchers === 0 || --this.#watchers > 0) return;
    for (const subscriptions of this.#subscriptions.values()) for (const subscription of subscriptions) subscription.dispose();
    this.#subscriptions.clear();
  }

  /** Subscribes to policies registered since the last scan (and forgets those unregistered). */
  scan(registry: Registry): void {
    if (this.#watchers === 0) return;
    const policies = new Set(registry.list());
    for (const [policy, subscriptions] of this.#subscriptions) {
      if (policies.has(policy)) continue;
      for (const subscription of subscriptions) subscription.dispose();
      this.#subscriptions.delete(policy);
    }
    for (const policy of policies) if (!this.#subscriptions.has(policy)) this.#subscriptions.set(policy, this.#subscribe(policy));
  }

  /** A breaker's recent state changes, oldest first. */
  timeline(breaker: string): readonly TimelineEntry[] {
    return this.#timelines.get(breaker) ?? [];
  }

  /** A breaker's running counts (they only grow while a page is open). */
  counts(breaker: string): Readonly<BreakerCounts> {
    return this.#counts.get(breaker) ?? { successes: 0, failures: 0, rejected: 0 };
  }

  /** The last store failure `kind`/`name` reported, if any. */
  failure(kind: string, name: string): FailureRecord | undefined {
    return this.#failures.get(`${kind}:${name}`);
  }

  #subscribe(policy: ObservablePolicy): readonly Disposable[] {
    const candidate = policy as unknown as Partial<BreakerEvents & StoreEvents>;
    const subscriptions: Disposable[] = [];
    if (policy.kind === 'circuit-breaker' && typeof candidate.onStateChange === 'function') subscriptions.push(...this.#watchBreaker(policy.name, policy as unknown as BreakerEvents));
    if (typeof candidate.onStoreFailure === 'function') {
      const key = `${policy.kind}:${policy.name}`;
      subscriptions.push(
        (policy as unknown as StoreEvents).onStoreFailure(({ error, mode }) => {
          const count = (this.#failures.get(key)?.count ?? 0) + 1;
          this.#failures.set(key, { count, at: this.#clock.now(), error: error instanceof Error ? error.message : String(error), mode });
        }),
      );
    }
    return subscriptions;
  }

  #watchBreaker(name: string, breaker: BreakerEvents): Disposable[] {
    if (!this.#timelines.has(name)) {
      const { state, stateChangedAt } = breaker.snapshot();
      this.#record(name, { at: stateChangedAt, from: state, to: state, reason: 'state when first seen' });
    }
    let counts = this.#counts.get(name);
    if (counts === undefined) this.#counts.set(name, (counts = { successes: 0, failures: 0, rejected: 0 }));
    const tally = counts;
    return [
      breaker.onStateChange(({ from, to, reason, at }) => this.#record(name, { at, from, to, reason })),
      breaker.onSuccess(() => void tally.successes++),
      breaker.onFailure(() => void tally.failures++),
      breaker.onReject(() => void tally.rejected++),
    ];
  }

  #record(breaker: string, entry: TimelineEntry): void {
    let timeline = this.#timelines.get(breaker);
    if (timeline === undefined) this.#timelines.set(breaker, (timeline = []));
    timeline.push(entry);
    if (timeline.length > this.#timelineSize) timeline.splice(0, timeline.length - this.#timelineSize);
  }
}
