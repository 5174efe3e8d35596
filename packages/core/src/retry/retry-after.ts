/** What an attempt ended with: an error it threw, or a result a result predicate asked to retry. */
export type RetryOutcome = { readonly ok: false; readonly error: unknown } | { readonly ok: true; readonly result: unknown };

/** delay-seconds (RFC 9110 says whole seconds; fractions are accepted). */
const secondsPattern = /^\d+(?:\.\d+)?$/;
/** An HTTP-date starts with a day name: IMF-fixdate, RFC 850 and asctime forms alike. */
const httpDatePattern = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/**
 * Milliseconds to wait from a `Retry-After` header value: delay-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`, measured from `nowMs`, never negative). Undefined when the
 * value is neither.
 *
 * @example
 * ```ts
 * parseRetryAfter('120', clock.now()); // 120000
 * ```
 */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (secondsPattern.test(trimmed)) return Number(trimmed) * 1_000;
  if (!httpDatePattern.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The wait an outcome asks for, if any: `retryAfterMs` on an error (Breakwater's rejections carry
 * it), else a `Retry-After` header on a result's or an error's `headers` or `response.headers` (a
 * fetch `Headers`, or a plain object as node, axios and got give).
 *
 * @example
 * ```ts
 * retryAfterOf({ ok: true, result: response }, clock.now()); // from response.headers.get('retry-after')
 * ```
 */
export function retryAfterOf(outcome: RetryOutcome, nowMs: number): number | undefined {
  const subject = outcome.ok ? outcome.result : outcome.error;
  if (typeof subject !== 'object' || subject === null) return undefined;
  const { retryAfterMs, headers, response } = subject as { retryAfterMs?: unknown; headers?: unknown; response?: { headers?: unknown } };
  if (!outcome.ok && typeof retryAfterMs === 'number' && retryAfterMs >= 0) return retryAfterMs;
  const header = headerOf(headers) ?? (typeof response === 'object' && response !== null ? headerOf(response.headers) : undefined);
  return header === undefined ? undefined : parseRetryAfter(header, nowMs);
}

function headerOf(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? (get as (name: string) => unknown).call(headers, 'retry-after')
      : ((headers as Record<string, unknown>)['retry-after'] ?? (headers as Record<string, unknown>)['Retry-After']);
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof first === 'number') return String(first);
  return typeof first === 'string' ? first : undefined;
}
