import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * A call ran past its deadline. Its signal was aborted with this error as the reason.
 *
 * @example
 * ```ts
 * if (error instanceof TimeoutError) log.warn(`${error.policy} timed out after ${error.timeoutMs} ms`);
 * ```
 */
export class TimeoutError extends BreakwaterError {
  readonly timeoutMs: number;

  constructor(policy: string | undefined, timeoutMs: number) {
    super(ErrorCode.Timeout, `${policy ? `"${policy}" ` : ''}call timed out after ${timeoutMs} ms`, { policy });
    this.timeoutMs = timeoutMs;
  }
}
