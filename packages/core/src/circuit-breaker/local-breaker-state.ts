import type { Clock } from '../clock/clock.js';
import type { CircuitRejectionReason } from '../errors/circuit-open-error.js';
import type {
  BreakerBinding,
  BreakerCommand,
  BreakerSpec,
  BreakerStateHandle,
  BreakerTicket,
  BreakerView,
  ProbeLease,
  Settlement,
} from '../store/breaker-state-store.js';
import { Outcome, type OutcomeFlags } from './outcome.js';
import { isBreakerState } from './restore-state.js';
import type { CircuitBreakerState, CircuitStateName, StateChange } from './state.js';
import { ConsecutiveFailuresStrategy } from './strategies/consecutive-failures.js';
import { createStrategies } from './strategies/create-strategies.js';
import type { TripStrategy } from './strategies/trip-strategy.js';

const commandTarget: Record<Exclude<BreakerCommand, 'reset'>, CircuitStateName> = {
  isolate: 'isolated',
  disable: 'disabled',
  'metrics-only': 'metrics-only',
};

/**
 * The breaker's state machine, held in process. It owns the states; its strategies only count.
 * Every method runs to completion synchronously, which is what makes each transition atomic here.
 */
export class LocalBreakerState implements BreakerStateHandle {
  readonly needsTime: boolean;
  readonly #spec: BreakerSpec;
  readonly #clock: Clock;
  readonly #onStateChange: (change: StateChange) => void;
  readonly #strategies: TripStrategy[];
  #state: CircuitStateName = 'closed';
  /** Bumped on every transition; tickets from an older epoch are ignored at settlement. */
  #epoch = 0;
  #stateChangedAt: number;
  #openUntil = 0;
  #reopenCount = 0;
  /**
   * NaN until a failure: a field that only ever holds numbers is stored unboxed, so recording a
   * failure's time writes in place. With `null` in it, every failure allocated a number and paid a
   * write barrier (about a tenth of the failure path's time over the hand-written floor's).
   */
  #lastFailureAt = Number.NaN;
  #probes: ProbeLease[] = [];
  #probeSuccesses = 0;
  #nextLeaseId = 1;
  #successesInState = 0;
  #failuresInState = 0;

  constructor(binding: BreakerBinding) {
    this.#spec = binding.spec;
    this.#clock = binding.clock;
    this.#onStateChange = binding.onStateChange;
    this.#strategies = createStrategies(binding.spec.trip);
    this.needsTime = this.#strategies.some((strategy) => strategy.needsTime);
    this.#stateChangedAt = binding.clock.now();
  }

  admit(): BreakerTicket | null {
    const state = this.#state;
    if (state === 'closed' || state === 'metrics-only' || state === 'disabled') return this.#epoch;
    if (state === 'isolated') return null;
    return this.#admitProbe(this.#clock.now());
  }

  settle(ticket: BreakerTicket, settlement: Settlement, flags: OutcomeFlags): void {
    if (typeof ticket === 'number') this.#settleCall(ticket, settlement, flags);
    else this.#settleProbe(ticket, settlement, flags);
  }

  rejection(): { reason: CircuitRejectionReason; retryAfterMs: number } {
    const now = this.#clock.now();
    if (this.#state === 'isolated') return { reason: 'isolated', retryAfterMs: this.#spec.recoveryTimeout };
    if (this.#state === 'half-open') {
      if (this.#liveProbes(now) < this.#spec.maxProbes) return { reason: 'half-open-full', retryAfterMs: 0 };
      // Bounded by the earliest lease: by then a slot is free whether or not its probe settles.
      const earliest = this.#probes.reduce((min, lease) => Math.min(min, lease.deadline), Number.POSITIVE_INFINITY);
      return { reason: 'half-open-full', retryAfterMs: Math.max(0, Math.min(earliest - now, this.#spec.recoveryTimeout)) };
    }
    return { reason: 'open', retryAfterMs: Math.max(0, this.#openUntil - now) };
  }

  command(command: BreakerCommand): void {
    const now = this.#clock.now();
    if (command !== 'reset') {
      const target = commandTarget[command];
      if (this.#state !== target) this.#transition(target, `${command} by operator`, now);
      return;
    }
    if (this.#state === 'closed') this.#clearCounts();
    else this.#transition('closed', 'reset by operator', now);
  }

  view(): BreakerView {
    const now = this.#clock.now();
    const rate = (condition: string) => this.#strategies.find((s) => s.condition === condition)?.figures(now);
    const consecutive = this.#strategies.find((s) => s instanceof ConsecutiveFailuresStrategy);
    return {
      state: this.#state,
      stateChangedAt: this.#stateChangedAt,
      openUntil: this.#openUntil,
      lastFailureAt: orNull(this.#lastFailureAt),
      consecutiveFailures: consecutive instanceof ConsecutiveFailuresStrategy ? consecutive.failuresInRow : 0,
      probesInFlight: this.#liveProbes(now),
      probeSuccesses: this.#probeSuccesses,
      failureWindow: rate('failureRate'),
      slowCallWindow: rate('slowCallRate'),
      successesInState: this.#successesInState,
      failuresInState: this.#failuresInState,
    };
  }

  toJSON(): CircuitBreakerState {
    const halfOpen = this.#state === 'half-open';
    return {
      version: 1,
      state: halfOpen ? 'open' : (this.#state as Exclude<CircuitStateName, 'half-open'>),
      stateChangedAt: this.#stateChangedAt,
      openUntil: halfOpen ? this.#stateChangedAt : this.#openUntil,
      reopenCount: this.#reopenCount,
      lastFailureAt: orNull(this.#lastFailureAt),
      strategies: this.#strategies.map((strategy) => strategy.toJSON()),
    };
  }

  restore(saved: CircuitBreakerState): boolean {
    if (!isBreakerState(saved) || saved.strategies.length !== this.#strategies.length) return false;
    const strategies = this.#strategies;
    const before = strategies.map((strategy) => strategy.toJSON());
    if (!saved.strategies.every((state, i) => strategies[i]!.restore(state))) {
      // A rejected restore leaves the live breaker exactly as it was.
      strategies.forEach((strategy, i) => strategy.restore(before[i]!));
      return false;
    }
    this.#state = saved.state;
    this.#epoch++;
    this.#stateChangedAt = saved.stateChangedAt;
    this.#openUntil = saved.openUntil;
    this.#reopenCount = saved.reopenCount;
    this.#lastFailureAt = saved.lastFailureAt ?? Number.NaN;
    this.#probes = [];
    this.#probeSuccesses = 0;
    this.#successesInState = 0;
    this.#failuresInState = 0;
    return true;
  }

  close(): void {
    // Nothing to release: the local state keeps no timers (windows and leases expire lazily).
  }

  #admitProbe(now: number): ProbeLease | null {
    if (this.#state === 'open') {
      if (now < this.#openUntil) return null;
      this.#transition('half-open', 'recovery timeout elapsed', now);
    }
    if (this.#liveProbes(now) >= this.#spec.maxProbes) return null;
    const lease: ProbeLease = { id: this.#nextLeaseId++, deadline: now + this.#spec.probeTimeout };
    this.#probes.push(lease);
    return lease;
  }

  /** Drops leases past their deadline (a hung probe must not wedge half-open) and counts the rest. */
  #liveProbes(now: number): number {
    const probes = this.#probes;
    if (probes.length > 0 && probes.some((lease) => lease.deadline <= now)) {
      this.#probes = probes.filter((lease) => lease.deadline > now);
    }
    return this.#probes.length;
  }

  #settleCall(epoch: number, settlement: Settlement, flags: OutcomeFlags): void {
    // An outcome from an earlier epoch (say, a call admitted before the breaker opened) is stale.
    if (epoch !== this.#epoch || settlement === 'release' || this.#state === 'disabled') return;
    const failed = (flags & Outcome.Failure) !== 0;
    const now = failed || this.needsTime ? this.#clock.now() : 0;
    if (failed) {
      this.#failuresInState++;
      this.#lastFailureAt = now;
    } else {
      this.#successesInState++;
    }
    let tripped: TripStrategy | undefined;
    const strategies = this.#strategies;
    for (let i = 0; i < strategies.length; i++) {
      const strategy = strategies[i] as TripStrategy;
      if (strategy.record(flags, now) && tripped === undefined) tripped = strategy;
    }
    if (tripped !== undefined && this.#state === 'closed') {
      this.#transition('open', tripped.describe(now), now === 0 ? this.#clock.now() : now);
    }
  }

  #settleProbe(lease: ProbeLease, settlement: Settlement, flags: OutcomeFlags): void {
    const index = this.#probes.indexOf(lease);
    // Not found: the lease was dropped on expiry, or belongs to an earlier half-open period.
    if (index < 0) return;
    this.#probes.splice(index, 1);
    const now = this.#clock.now();
    // Expired but not yet dropped (nothing looked at the probes since): just as stale.
    if (settlement === 'release' || lease.deadline <= now) return;
    if (flags === Outcome.Success) {
      this.#successesInState++;
      if (++this.#probeSuccesses >= this.#spec.successThreshold) {
        this.#transition('closed', `${this.#probeSuccesses} probe(s) succeeded`, now);
      }
      return;
    }
    this.#failuresInState++;
    if (flags & Outcome.Failure) this.#lastFailureAt = now;
    this.#reopenCount++;
    this.#transition('open', flags & Outcome.Failure ? 'probe failed' : 'probe was slow', now);
  }

  #transition(to: CircuitStateName, reason: string, now: number): void {
    const from = this.#state;
    this.#state = to;
    this.#epoch++;
    this.#stateChangedAt = now;
    this.#successesInState = 0;
    this.#failuresInState = 0;
    this.#probeSuccesses = 0;
    if (this.#probes.length > 0) this.#probes = [];
    if (to === 'open') this.#openUntil = now + this.#openDurationMs();
    if (to === 'closed') this.#clearCounts();
    this.#onStateChange({ breaker: this.#spec.name, from, to, reason, at: now });
  }

  #clearCounts(): void {
    this.#reopenCount = 0;
    this.#successesInState = 0;
    this.#failuresInState = 0;
    for (const strategy of this.#strategies) strategy.reset();
  }

  #openDurationMs(): number {
    const { recoveryTimeout, backoff } = this.#spec;
    if (!backoff || this.#reopenCount === 0) return recoveryTimeout;
    return Math.min(recoveryTimeout * backoff.multiplier ** this.#reopenCount, backoff.maxRecoveryTimeout);
  }
}

/** A time held as NaN for "never", as the views show it. */
function orNull(timeMs: number): number | null {
  return timeMs === timeMs ? timeMs : null;
}
