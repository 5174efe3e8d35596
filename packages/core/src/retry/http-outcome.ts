import { isBreakwaterError } from '../errors/breakwater-error.js';

/** How an HTTP outcome bears on retrying: `transient` failures are worth retrying, `permanent` ones are not. */
export type HttpOutcomeClass = 'success' | 'transient' | 'permanent' | 'unknown';

const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const permanentStatuses: ReadonlySet<number> = new Set([400, 401, 403, 404, 405, 422]);

/** Error codes of network failures worth retrying (Node's and undici's). */
const transientCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** How deep to follow `cause` (fetch wraps the socket error as the cause of a TypeError). */
const maxCauseDepth = 5;

/**
 * Classifies an HTTP outcome for retrying. `outcome` may be a status code, a response (`status` or
 * `statusCode`: fetch, node, axios, got), or an error carrying one (`status`, `statusCode`,
 * `response.status`, `response.statusCode`) or a network error code (`code`, also on its `cause`).
 *
 * - `transient`: 408, 429, 500, 502, 503, 504; network errors (ECONNRESET, ETIMEDOUT, ECONNREFUSED,
 *   EAI_AGAIN, EPIPE, ECONNABORTED, ENETUNREACH, EHOSTUNREACH, ENETDOWN and undici's socket and
 *   timeout errors); a Breakwater `TimeoutError` or a DOMException `TimeoutError`.
 * - `permanent`: 400, 401, 403, 404, 405, 422.
 * - `success`: 1xx to 3xx. `unknown`: anything else (other statuses, other errors).
 *
 * @example
 * ```ts
 * classifyHttpOutcome(503); // 'transient'
 * classifyHttpOutcome(await fetch(url)); // by its status
 * classifyHttpOutcome(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })); // 'transient'
 * ```
 */
export function classifyHttpOutcome(outcome: unknown): HttpOutcomeClass {
  const status = statusOf(outcome);
  if (status !== undefined) return classifyStatus(status);
  return isTransientError(outcome) ? 'transient' : 'unknown';
}

/**
 * True when {@link classifyHttpOutcome} says `transient`: the predicate to give a retry policy for
 * both errors and results.
 *
 * @example
 * ```ts
 * const upstream = retry({ retryIf: isTransient, retryIfResult: isTransient });
 * ```
 */
export function isTransient(outcome: unknown): boolean {
  return classifyHttpOutcome(outcome) === 'transient';
}

function classifyStatus(status: number): HttpOutcomeClass {
  if (transientStatuses.has(status)) return 'transient';
  if (permanentStatuses.has(status)) return 'permanent';
  return status >= 100 && status < 400 ? 'success' : 'unknown';
}

/** The HTTP status an outcome carries, if any. */
function statusOf(outcome: unknown): number | undefined {
  if (typeof outcome === 'number') return asStatus(outcome);
  if (typeof outcome !== 'object' || outcome === null) return undefined;
  const value = outcome as { status?: unknown; statusCode?: unknown; response?: unknown };
  const own = asStatus(value.status) ?? asStatus(value.statusCode);
  if (own !== undefined || typeof value.response !== 'object' || value.response === null) return own;
  const response = value.response as { status?: unknown; statusCode?: unknown };
  return asStatus(response.status) ?? asStatus(response.statusCode);
}

function asStatus(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;
}

function isTransientError(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth <= maxCauseDepth && typeof current === 'object' && current !== null; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && transientCodes.has(code)) return true;
    if (name === 'TimeoutError' || isBreakwaterError(current, 'ERR_TIMEOUT')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
