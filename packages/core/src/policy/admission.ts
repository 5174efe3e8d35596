import type { BreakwaterError } from '../errors/breakwater-error.js';
import type { ErrorCode } from '../errors/codes.js';

/**
 * Permission to run one call, from a stateful policy's `acquire()`. Settle it exactly once when the
 * call ends; later settlements are ignored, so adapters may call it from several completion hooks.
 *
 * @example
 * ```ts
 * const admission = await breaker.acquire();
 * if (!admission.admitted) return reply(503, admission.retryAfterMs);
 * try { const rows = await db.query(sql); admission.success(); return rows; }
 * catch (error) { admission.failure(error); throw error; }
 * ```
 */
export interface Permit {
  readonly admitted: true;
  /** Name of the policy that issued it. */
  readonly policy: string;
  /** True once `success`, `failure` or `release` has been called. */
  readonly settled: boolean;
  /** The call succeeded. `result`, when given, goes through the policy's result predicate. */
  success(result?: unknown): void;
  /** The call failed. Errors the policy ignores are released instead of counted. */
  failure(error?: unknown): void;
  /** The outcome says nothing about the dependency (the client went away): give the slot back. */
  release(): void;
}

/**
 * A policy's refusal to run a call. It carries data, not HTTP; the error `execute()` would throw is
 * built only when `error` is first read, so adapters answering from `code` and `retryAfterMs` pay
 * nothing for it.
 */
export interface Rejection {
  readonly admitted: false;
  /** Name of the policy that refused. */
  readonly policy: string;
  readonly code: ErrorCode;
  /** Milliseconds after which a retry may be admitted. */
  readonly retryAfterMs: number;
  /** The error `execute()` throws for this rejection. */
  readonly error: BreakwaterError;
}

/** What `acquire()` returns. */
export type Admission = Permit | Rejection;

/** What a wrapped function receives. */
export interface ExecutionContext {
  /**
   * Aborted when the call should stop: the caller's signal aborted or a timeout passed. Read it only
   * when needed; policies create abort machinery lazily on first read.
   */
  readonly signal: AbortSignal;
}

/** Options of one `execute()` call. */
export interface ExecuteOptions {
  /** The caller's cancellation signal; it reaches the wrapped function through its context. */
  readonly signal?: AbortSignal | undefined;
}

/** A function a policy wraps. */
export type Executable<T> = (context: ExecutionContext) => T | PromiseLike<T>;
