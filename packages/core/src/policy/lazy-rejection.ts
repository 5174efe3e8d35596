import type { BreakwaterError } from '../errors/breakwater-error.js';
import type { ErrorCode } from '../errors/codes.js';
import type { Rejection } from './admission.js';

/**
 * The shell every policy's {@link Rejection} shares: the error `execute()` would throw is built on
 * first read of `error`, so adapters answering from `code` and `retryAfterMs` never pay for it.
 */
export abstract class LazyRejection<E extends BreakwaterError> implements Rejection {
  readonly admitted = false as const;
  abstract readonly code: ErrorCode;
  readonly policy: string;
  readonly retryAfterMs: number;
  #error: E | undefined;

  constructor(policy: string, retryAfterMs: number) {
    this.policy = policy;
    this.retryAfterMs = retryAfterMs;
  }

  get error(): E {
    this.#error ??= this.createError();
    return this.#error;
  }

  /** Builds the error; called at most once. */
  protected abstract createError(): E;
}
