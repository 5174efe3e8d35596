export type { Clock, TimerHandle } from './clock/clock.js';
export { systemClock } from './clock/system-clock.js';

export { ErrorCode } from './errors/codes.js';
export { BreakwaterError, isBreakwaterError } from './errors/breakwater-error.js';
export { ConfigError, type ConfigIssue } from './errors/config-error.js';
export { CircuitOpenError, type CircuitRejectionReason } from './errors/circuit-open-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export { StoreUnavailableError } from './errors/store-unavailable-error.js';
export { DuplicatePolicyError } from './errors/duplicate-policy-error.js';
export { MissingPeerDependencyError } from './errors/missing-peer-dependency-error.js';
export { HandlerFailedError } from './errors/handler-failed-error.js';

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
  BreakerStoreStatus,
  BreakerTicket,
  BreakerView,
  ProbeLease,
  Settlement,
} from './store/breaker-state-store.js';
export { memoryBreakerStateStore } from './store/memory-breaker-state-store.js';

export type { Store, StoreStats } from './store/store.js';
export type { Decision } from './store/decision.js';
export type {
  AlgorithmName,
  CalendarWindowSpec,
  FixedWindowSpec,
  GcraSpec,
  LimitSpec,
  SlidingWindowSpec,
  TokenBucketSpec,
} from './store/limit-spec.js';
export { limitOf } from './store/limit-spec.js';
export { MemoryStore, memoryStore } from './store/memory-store.js';
export { OutageGuard, type StoreErrorMode, type StoreFailure } from './store/outage-guard.js';
export type { MemoryStoreOptions, ResolvedMemoryStoreOptions } from './store/memory-store-options.js';
export { limitStep, type AlgorithmState, type LimitStep } from './rate-limit/algorithms/run-step.js';
export { RateLimitedError, type RateLimitRejectionReason } from './errors/rate-limited-error.js';
export { QuotaExceededError } from './errors/quota-exceeded-error.js';
export { RateLimit, rateLimit } from './rate-limit/rate-limit.js';
export type { RateLimitAdmission } from './rate-limit/verdict.js';
export { RateLimitPermit } from './rate-limit/permit.js';
export { RateLimitRejection } from './rate-limit/rejection.js';
export type { RateLimitDecision } from './rate-limit/decision.js';
export type {
  DelayOptions,
  FixedWindowLimit,
  GcraLimit,
  LimitOptions,
  RateLimitAcquireOptions,
  RateLimitExecuteOptions,
  RateLimitOptions,
  SlidingWindowLimit,
  TokenBucketLimit,
} from './rate-limit/options.js';
export type { ResolvedLimit, ResolvedRateLimitOptions } from './rate-limit/options-schema.js';
export type { RateLimitDelayed, RateLimitExceeded, RateLimitRejected } from './rate-limit/events.js';
export type { RateLimitSnapshot } from './rate-limit/snapshot.js';
export { Quota, quota, type QuotaAdmission } from './quota/quota.js';
export { QuotaPermit, QuotaRejection } from './quota/admission.js';
export type { QuotaDecision, QuotaUsage, QuotaWindowUsage } from './quota/decision.js';
export type { QuotaAcquireOptions, QuotaExecuteOptions, QuotaLimits, QuotaOptions } from './quota/options.js';
export type { ResolvedQuotaOptions } from './quota/options-schema.js';
export type { QuotaRejected, QuotaSnapshot } from './quota/snapshot.js';
export { calendarWindow, type CalendarWindow, type QuotaPeriod } from './quota/calendar.js';

export { Registry, type HealthReport, type RegistrySnapshot } from './registry/registry.js';

export { BulkheadFullError, type BulkheadRejectionReason } from './errors/bulkhead-full-error.js';
export { RetryExhaustedError, type RetryExhaustedReason } from './errors/retry-exhausted-error.js';
export { AllFallbacksFailedError, type FallbackFailure } from './errors/all-fallbacks-failed-error.js';
export { Bulkhead, bulkhead, type BulkheadAdmission } from './bulkhead/bulkhead.js';
export { sharedBulkhead } from './bulkhead/shared-bulkhead.js';
export { BulkheadPermit } from './bulkhead/permit.js';
export { BulkheadRejection } from './bulkhead/rejection.js';
export type { BulkheadOptions } from './bulkhead/options.js';
export type { ResolvedBulkheadOptions } from './bulkhead/options-schema.js';
export type { BulkheadRejected } from './bulkhead/events.js';
export type { BulkheadSnapshot } from './bulkhead/snapshot.js';
export { Timeout, timeout } from './timeout/timeout.js';
export type { TimeoutOptions } from './timeout/options.js';
export type { ResolvedTimeoutOptions } from './timeout/options-schema.js';
export type { TimeoutStrategy } from './timeout/timeout-runner.js';
export type { TimeoutElapsed } from './timeout/events.js';
export type { TimeoutSnapshot } from './timeout/snapshot.js';
export { Retry, retry } from './retry/retry.js';
export { RetryBudget, retryBudget, type RetryBudgetSnapshot } from './retry/budget.js';
export type { RetryBudgetOptions, ResolvedRetryBudgetOptions } from './retry/budget-options.js';
export type { BackoffOptions, RetryAfterOptions, RetryOptions } from './retry/options.js';
export { retryUnlessCircuitOpen, type ResolvedRetryOptions } from './retry/options-schema.js';
export { baseDelay, nextDelay, type BackoffType, type Jitter, type ResolvedBackoff } from './retry/backoff.js';
export { classifyHttpOutcome, isTransient, type HttpOutcomeClass } from './retry/http-outcome.js';
export { parseRetryAfter, retryAfterOf, type RetryOutcome } from './retry/retry-after.js';
export type { RetryContext } from './retry/context.js';
export type { RetryGaveUp, RetryScheduled } from './retry/events.js';
export type { RetrySnapshot } from './retry/snapshot.js';
export { FallbackChain, fallback, fallbackChain, type FallbackServed } from './fallback/fallback-chain.js';
export type {
  FallbackChainOptions,
  FallbackOptions,
  FallbackPredicate,
  FallbackTier,
  RunTier,
  TierResult,
  ValueTier,
} from './fallback/options.js';
export type { ResolvedFallbackChainOptions } from './fallback/options-schema.js';
export { Pipeline, pipeline } from './pipeline/pipeline.js';
export type {
  PipelineContext,
  PipelineFallback,
  PipelineOptions,
  PipelineOptionsArgument,
  PipelinePolicy,
  PolicyContext,
  PolicyFallback,
  PolicyOptions,
  PolicyRequiresOptions,
} from './pipeline/types.js';

export * from './http/index.js';
