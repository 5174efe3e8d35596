export type { Clock, TimerHandle } from './clock/clock.js';
export { systemClock } from './clock/system-clock.js';

export { ErrorCode } from './errors/codes.js';
export { BreakwaterError, isBreakwaterError } from './errors/breakwater-error.js';
export { ConfigError, type ConfigIssue } from './errors/config-error.js';
export { CircuitOpenError, type CircuitRejectionReason } from './errors/circuit-open-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export { DuplicatePolicyError } from './errors/duplicate-policy-error.js';

export { type Duration, type DurationUnit, parseDuration } from './config/duration.js';

export type { Disposable } from './events/disposable.js';
export type { Event } from './events/emitter.js';

export type {
  Admission,
  Permit,
  Rejection,
  ExecutionContext,
  ExecuteOptions,
  Executable,
} from './policy/admission.js';
export type { HealthStatus, ObservablePolicy, PolicySnapshotBase } from './policy/observable-policy.js';

export { CircuitBreaker, circuitBreaker, type BreakerAdmission } from './circuit-breaker/circuit-breaker.js';
export { CircuitRejection } from './circuit-breaker/rejection.js';
export type {
  CircuitBreakerOptions,
  CountWindow,
  TimeWindow,
  RateCondition,
  SlowCallRateCondition,
  TripConditions,
  RecoveryBackoff,
} from './circuit-breaker/options.js';
export type { ResolvedCircuitBreakerOptions } from './circuit-breaker/options-schema.js';
export type { CircuitBreakerState, CircuitStateName, StateChange } from './circuit-breaker/state.js';
export type { CircuitBreakerSnapshot } from './circuit-breaker/snapshot.js';
export type { CallFailed, CallRejected, CallSucceeded, CallTimedOut, SlowCall } from './circuit-breaker/events.js';
export { Outcome, type OutcomeFlags, type WindowFigures } from './circuit-breaker/outcome.js';
export type { TripConditionName, TripStrategyState } from './circuit-breaker/strategies/trip-strategy.js';

export type {
  BreakerBinding,
  BreakerCommand,
  BreakerSpec,
  BreakerStateHandle,
  BreakerStateStore,
  BreakerTicket,
  BreakerView,
  ProbeLease,
  Settlement,
} from './store/breaker-state-store.js';
export { memoryBreakerStateStore } from './store/memory-breaker-state-store.js';

export { Registry, type HealthReport, type RegistrySnapshot } from './registry/registry.js';
