import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * A store could not answer in time (unreachable, timed out, or failing fast while it is known to be
 * down). A policy with `onStoreError: 'failClosed'` rejects with it; adapters map it to 503, never to
 * 429. `cause` holds the store's own error.
 *
 * @example
 * ```ts
 * if (error instanceof StoreUnavailableError) res.status(503).end();
 * ```
 */
export class StoreUnavailableError extends BreakwaterError {
  /** What failed, e.g. `timed out after 100 ms` or `connection is not ready`. */
  readonly reason: string;

  constructor(reason: string, options?: { policy?: string | undefined; cause?: unknown }) {
    super(ErrorCode.StoreUnavailable, `${options?.policy ? `"${options.policy}" ` : ''}store unavailable: ${reason}`, options);
    this.reason = reason;
  }
}
