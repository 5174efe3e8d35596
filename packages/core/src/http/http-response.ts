import { ErrorCode } from '../errors/codes.js';
import type { Rejection } from '../policy/admission.js';

/** A response for an adapter to write: status, headers and a body (a string, or JSON-serialisable data). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Status codes for each kind of refusal. */
export interface StatusMap {
  /** @default 429 */
  readonly rateLimited?: number;
  /** @default 429 */
  readonly quotaExceeded?: number;
  /** @default 503 */
  readonly circuitOpen?: number;
  /** @default 503 */
  readonly bulkheadFull?: number;
  /** @default 504 */
  readonly timeout?: number;
}

/** The defaults of {@link StatusMap}. */
export const defaultStatuses = { rateLimited: 429, quotaExceeded: 429, circuitOpen: 503, bulkheadFull: 503, timeout: 504 } as const;

const titles: Readonly<Record<string, string>> = {
  [ErrorCode.RateLimited]: 'Too Many Requests',
  [ErrorCode.QuotaExceeded]: 'Quota Exceeded',
  [ErrorCode.CircuitOpen]: 'Service Unavailable',
  [ErrorCode.BulkheadFull]: 'Service Unavailable',
  [ErrorCode.Timeout]: 'Gateway Timeout',
};

const details: Readonly<Record<string, string>> = {
  [ErrorCode.RateLimited]: 'rate limit exceeded',
  [ErrorCode.QuotaExceeded]: 'quota used up',
  [ErrorCode.CircuitOpen]: 'circuit breaker is open',
  [ErrorCode.BulkheadFull]: 'too many concurrent requests',
  [ErrorCode.Timeout]: 'request timed out',
};

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The refusing policy's name. */
  readonly policy: string;
  readonly code: string;
  /** Seconds until a retry may succeed (what `Retry-After` says). */
  readonly retryAfter?: number;
}

/** `Retry-After` seconds for a delay in ms: rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The status for a refusal code. */
export function statusFor(code: string, statuses: Required<StatusMap>): number {
  switch (code) {
    case ErrorCode.RateLimited: return statuses.rateLimited;
    case ErrorCode.QuotaExceeded: return statuses.quotaExceeded;
    case ErrorCode.CircuitOpen: return statuses.circuitOpen;
    case ErrorCode.BulkheadFull: return statuses.bulkheadFull;
    case ErrorCode.Timeout: return statuses.timeout;
    default: return 503;
  }
}

/**
 * The response for a refusal: its status, `Retry-After` from the policy's own `retryAfterMs`, and an
 * RFC 9457 `application/problem+json` body naming the policy.
 *
 * @example
 * ```ts
 * const response = rejectionResponse(admission, defaultStatuses, { 'RateLimit': '"api";r=0;t=30' });
 * ```
 */
export function rejectionResponse(
  rejection: Pick<Rejection, 'code' | 'policy' | 'retryAfterMs'>,
  statuses: Required<StatusMap>,
  extraHeaders?: Readonly<Record<string, string>>,
): HttpResponse {
  const status = statusFor(rejection.code, statuses);
  const seconds = rejection.retryAfterMs > 0 ? retryAfterSeconds(rejection.retryAfterMs) : undefined;
  const body: ProblemDetails = {
    type: `https://breakwater.dev/problems/${rejection.code.slice(4).toLowerCase().replaceAll('_', '-')}`,
    title: titles[rejection.code] ?? 'Service Unavailable',
    status,
    detail: `${details[rejection.code] ?? 'request refused'} ("${rejection.policy}")`,
    policy: rejection.policy,
    code: rejection.code,
    ...(seconds === undefined ? {} : { retryAfter: seconds }),
  };
  const headers: Record<string, string> = { ...extraHeaders, 'content-type': 'application/problem+json' };
  if (seconds !== undefined) headers['retry-after'] = String(seconds);
  return { status, headers, body };
}

/**
 * The bytes of a response body and its content type: strings go as they are (`text/plain` unless
 * the headers say otherwise), anything else as JSON.
 *
 * @example
 * ```ts
 * const { payload, contentType } = serializeBody(response);
 * ```
 */
export function serializeBody(response: HttpResponse): { readonly payload: string; readonly contentType: string } {
  const given = response.headers['content-type'];
  if (typeof response.body === 'string') return { payload: response.body, contentType: given ?? 'text/plain; charset=utf-8' };
  return { payload: JSON.stringify(response.body ?? null), contentType: given ?? 'application/json; charset=utf-8' };
}

/** The headers of a response other than `content-type` (which {@link serializeBody} decides). */
export function headerEntries(response: HttpResponse): [string, string][] {
  return Object.entries(response.headers).filter(([name]) => name !== 'content-type');
}

/**
 * The value to set for a header another guard may already have set: the httpapi `RateLimit` and
 * `RateLimit-Policy` fields are lists, so stacked middleware append their items; others replace.
 *
 * @example
 * ```ts
 * res.setHeader(name, mergeFieldValue(name, res.getHeader(name), value));
 * ```
 */
export function mergeFieldValue(name: string, previous: unknown, value: string): string {
  if ((name === 'ratelimit' || name === 'ratelimit-policy') && typeof previous === 'string' && previous.startsWith('"') && value.startsWith('"')) return `${previous}, ${value}`;
  return value;
}

/**
 * Header fields describing a response's body (RFC 9110 representation metadata and validators): an
 * adapter replacing a handler's response with a fallback removes them, and keeps the rest (CORS,
 * rate-limit fields, cookies set by other middleware).
 */
export const representationHeaders: readonly string[] = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-range', 'content-disposition', 'content-location', 'etag', 'last-modified', 'transfer-encoding'];
