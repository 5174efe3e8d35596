import type { Clock } from '../clock/clock.js';
import type { ResolvedCircuitBreakerOptions } from '../circuit-breaker/options-schema.js';
import type { OutcomeFlags, WindowFigures } from '../circuit-breaker/outcome.js';
import type { CircuitBreakerState, CircuitStateName, StateChange } from '../circuit-breaker/state.js';
import type { CircuitRejectionReason } from '../errors/circuit-open-error.js';

/**
 * What a breaker's state needs to know about its configuration: plain data, so that a remote store
 * can hand it to a script (every trip condition, recovery and probe settings).
 */
export type BreakerSpec = Pick<
  ResolvedCircuitBreakerOptions,
  'name' | 'trip' | 'recoveryTimeout' | 'backoff' | 'maxProbes' | 'successThreshold' | 'probeTimeout'
>;

/** Given once to {@link BreakerStateStore.bindBreaker}. */
export interface BreakerBinding {
  readonly spec: BreakerSpec;
  readonly clock: Clock;
  /** Called for every state change, whichever instance caused it. */
  readonly onStateChange: (change: StateChange) => void;
  /**
   * Called when a shared store stops or starts sharing this breaker's state (the store became
   * unreachable and the breaker went on locally, or the store answered again). Optional for stores.
   */
  readonly onStoreStatus?: (event: BreakerStoreStatus) => void;
}

/**
 * A breaker's state left or rejoined its shared store: `local` when the store could not be reached
 * and the breaker went on in process (same options, its own counts), `shared` when it rejoined.
 */
export interface BreakerStoreStatus {
  readonly breaker: string;
  readonly status: 'local' | 'shared';
  /** Why, e.g. `redis did not answer within 100 ms` or `redis answered again`. */
  readonly reason: string;
  /** The store's error, when the change was caused by one. */
  readonly error?: unknown;
  /** Epoch ms. */
  readonly at: number;
}

/**
 * Proof of admission handed back at settlement. A number for ordinary calls (the state epoch they
 * were admitted in, so that a late outcome from an earlier epoch is ignored); an object for probes.
 */
export type BreakerTicket = number | ProbeLease;

/** A half-open probe slot, held until settled or until `deadline`. */
export interface ProbeLease {
  readonly id: number;
  readonly deadline: number;
}

/** How a call ended, for {@link BreakerStateHandle.settle}. */
export type Settlement = 'success' | 'failure' | 'release';

/** Manual, operator-driven transitions. */
export type BreakerCommand = 'reset' | 'isolate' | 'disable' | 'metrics-only';

/** What snapshots read from the state. */
export interface BreakerView {
  readonly state: CircuitStateName;
  readonly stateChangedAt: number;
  readonly openUntil: number;
  readonly lastFailureAt: number | null;
  readonly consecutiveFailures: number;
  readonly probesInFlight: number;
  readonly probeSuccesses: number;
  /** Counts of the failure-rate window, if any. */
  readonly failureWindow: WindowFigures | undefined;
  /** Counts of the slow-call-rate window, if any. */
  readonly slowCallWindow: WindowFigures | undefined;
  /** Successes and failures recorded since the last state change. */
  readonly successesInState: number;
  readonly failuresInState: number;
}

/**
 * One breaker's state, bound to a store. The seam between the breaker policy (options, permits,
 * classification, timeouts, events) and wherever the state machine's data lives.
 *
 * Rules every implementation keeps:
 * - `admit()` decides from state it can read without a round trip whenever the breaker is closed;
 *   only leaving the open state (taking a probe lease) may need the store, which is why it may
 *   return a promise.
 * - Every transition (trip, probe lease, close, re-open, manual command) is one atomic step of the
 *   store: in memory a synchronous method, in Redis one script that reads the server's clock.
 * - `settle()` never throws and never blocks the caller; a remote store may batch outcomes.
 */
export interface BreakerStateHandle {
  /** Whether recording a closed-state outcome needs the current time (time windows). */
  readonly needsTime: boolean;
  admit(): BreakerTicket | null | Promise<BreakerTicket | null>;
  settle(ticket: BreakerTicket, settlement: Settlement, flags: OutcomeFlags): void;
  /** Why a call would be rejected now, and for how long (`retryAfterMs` 0 when one would be admitted). */
  rejection(): { readonly reason: CircuitRejectionReason; readonly retryAfterMs: number };
  command(command: BreakerCommand): void;
  view(): BreakerView;
  toJSON(): CircuitBreakerState;
  /** Replaces the state with saved state; false when it does not fit this breaker's conditions. */
  restore(state: CircuitBreakerState): boolean;
  /**
   * Applies `initialState` when the breaker is built. A shared store applies it only when no shared
   * state exists yet, so that an instance starting later does not overwrite what others built up.
   * Without it, `restore()` is used.
   */
  seed?(state: CircuitBreakerState): boolean;
  /** Releases timers and subscriptions. */
  close(): void;
}

/**
 * Where breaker state lives. The in-process default keeps it in memory; a shared store (Redis)
 * implements the same seam so that every instance of an app sees one breaker.
 *
 * @example
 * ```ts
 * const store: BreakerStateStore = memoryBreakerStateStore;
 * const breaker = circuitBreaker({ name: 'payments', store });
 * ```
 */
export interface BreakerStateStore {
  /** True when the state is shared between processes. */
  readonly shared: boolean;
  /** Binds one breaker to its state; called once, when the breaker is built. */
  bindBreaker(binding: BreakerBinding): BreakerStateHandle;
}
