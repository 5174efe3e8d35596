/**
 * Stable error codes. A code never changes meaning once published; match on it (or use
 * {@link isBreakwaterError}) rather than on messages or classes.
 */
export const ErrorCode = {
  /** A circuit breaker is open, isolated, or half-open with every probe slot taken. */
  CircuitOpen: 'ERR_CIRCUIT_OPEN',
  /** A rate limit rejected the call. */
  RateLimited: 'ERR_RATE_LIMITED',
  /** A calendar quota is used up. */
  QuotaExceeded: 'ERR_QUOTA_EXCEEDED',
  /** A bulkhead and its queue are full. */
  BulkheadFull: 'ERR_BULKHEAD_FULL',
  /** A call ran past its deadline. */
  Timeout: 'ERR_TIMEOUT',
  /** Every tier of a fallback chain failed. */
  AllFallbacksFailed: 'ERR_ALL_FALLBACKS_FAILED',
  /** A retry policy gave up. */
  RetryExhausted: 'ERR_RETRY_EXHAUSTED',
  /** A store could not be reached in time. */
  StoreUnavailable: 'ERR_STORE_UNAVAILABLE',
  /** Options failed validation. */
  InvalidConfig: 'ERR_INVALID_CONFIG',
  /** A policy name is already registered. */
  DuplicatePolicy: 'ERR_DUPLICATE_POLICY',
  /** An optional peer dependency a feature needs (e.g. `prom-client` for metrics) is not installed. */
  MissingPeerDependency: 'ERR_MISSING_PEER_DEPENDENCY',
  /** A guarded route's handler answered with a failure status or threw (what a route fallback receives). */
  HandlerFailed: 'ERR_HANDLER_FAILED',
} as const;

/** One of the values of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
