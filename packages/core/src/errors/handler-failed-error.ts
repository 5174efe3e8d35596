import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * A guarded route's own handler failed: it answered with a failure status (5xx by default) or threw
 * (`cause`). A route's fallback receives it when it answers such a failure.
 *
 * @example
 * ```ts
 * fallback: ({ error }) => isBreakwaterError(error, 'ERR_HANDLER_FAILED') ? undefined : { status: 200, headers: {}, body: cached }
 * ```
 */
export class HandlerFailedError extends BreakwaterError {
  /** The status the handler answered (or would have: 500 for a plain thrown error). */
  readonly status: number;

  constructor(status: number, cause?: unknown) {
    super(ErrorCode.HandlerFailed, `the handler ${cause === undefined ? `answered ${status}` : `threw (${status})`}`, { cause });
    this.status = status;
  }
}
