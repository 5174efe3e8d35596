import { describe, expect, it } from 'vitest';
import { classifyError, classifyStatus, defaultStatuses, ErrorCode, RateLimitHeaderWriter, rejectionResponse, retryAfterSeconds, WarningCode, Warnings, checkForwarding, httpSetup, noteCount, pathWithoutQuery } from '../src/index.js';
import { outcomeSchema } from '../src/http/outcome-classifier.js';

describe('outcome classification', () => {
  const defaults = outcomeSchema.parse({});
  it('fails 5xx and thrown errors, not 4xx', () => {
    expect(classifyStatus(defaults, 200)).toBe('success');
    expect(classifyStatus(defaults, 404)).toBe('success');
    expect(classifyStatus(defaults, 500)).toBe('failure');
    expect(classifyStatus(defaults, 503)).toBe('failure');
    expect(classifyError(defaults, new Error('x'))).toBe('failure');
  });
  it('takes predicates', () => {
    const custom = outcomeSchema.parse({ isFailureStatus: (s: number) => s === 429, isIgnoredError: (e: unknown) => e === 'abort', isFailureError: () => false });
    expect(classifyStatus(custom, 500)).toBe('success');
    expect(classifyStatus(custom, 429)).toBe('failure');
    expect(classifyError(custom, 'abort')).toBe('release');
    expect(classifyError(custom, new Error('x'))).toBe('success');
  });
});

describe('response mapping', () => {
  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });
  it.each([
    [ErrorCode.RateLimited, 429],
    [ErrorCode.QuotaExceeded, 429],
    [ErrorCode.CircuitOpen, 503],
    [ErrorCode.BulkheadFull, 503],
    [ErrorCode.Timeout, 504],
  ])('maps %s to %i with a problem+json body naming the policy', (code, status) => {
    const response = rejectionResponse({ code, policy: 'payments', retryAfterMs: 2_500 }, defaultStatuses);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['retry-after']).toBe('3');
    expect(response.body).toMatchObject({ status, policy: 'payments', code, retryAfter: 3 });
  });
  it('omits Retry-After when the policy gives no figure', () => {
    expect(rejectionResponse({ code: ErrorCode.Timeout, policy: 't', retryAfterMs: 0 }, defaultStatuses).headers['retry-after']).toBeUndefined();
  });
});

describe('rate-limit headers', () => {
  const decision = { allowed: true, limit: 10, remaining: 7, resetAt: 30_000, retryAfterMs: 0 };
  const refused = { allowed: false, limit: 10, remaining: 0, resetAt: 30_000, retryAfterMs: 4_200 };
  const policies = [{ name: 'api', quota: 10, windowSeconds: 60 }, { name: 'daily', quota: 1000, windowSeconds: 86_400 }];

  it('writes the current httpapi draft by default, one item per policy', () => {
    const headers: Record<string, string> = {};
    new RateLimitHeaderWriter(policies).write(headers, [decision, { ...decision, limit: 1000, remaining: 999 }], 0);
    expect(headers).toEqual({ 'ratelimit-policy': '"api";q=10;w=60, "daily";q=1000;w=86400', ratelimit: '"api";r=7;t=30, "daily";r=999;t=30' });
  });
  it('writes draft-7, draft-6 and legacy fields by option', () => {
    const h7: Record<string, string> = {};
    new RateLimitHeaderWriter(policies.slice(0, 1), { standard: 'draft-7' }).write(h7, [refused], 0);
    expect(h7).toEqual({ 'ratelimit-policy': '10;w=60', ratelimit: 'limit=10, remaining=0, reset=5' });
    const h6: Record<string, string> = {};
    new RateLimitHeaderWriter(policies.slice(0, 1), { standard: 'draft-6', legacy: true }).write(h6, [decision], 0);
    expect(h6).toMatchObject({ 'ratelimit-limit': '10', 'ratelimit-remaining': '7', 'ratelimit-reset': '30', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '30' });
  });
  it('writes nothing when turned off', () => {
    const headers: Record<string, string> = {};
    const writer = new RateLimitHeaderWriter(policies, { standard: false });
    writer.write(headers, [decision], 0);
    expect(writer.silent).toBe(true);
    expect(headers).toEqual({});
  });
  it('escapes policy names into structured-field strings', () => {
    const headers: Record<string, string> = {};
    new RateLimitHeaderWriter([{ name: 'a"b\n', quota: 1, windowSeconds: 1 }]).write(headers, [decision], 0);
    expect(headers['ratelimit-policy']).toBe('"a\\"b";q=1;w=1');
  });
});

describe('pathWithoutQuery', () => {
  it('cuts the query string, and only that', () => {
    expect(pathWithoutQuery('/orders/7?expand=items&x=/y')).toBe('/orders/7');
    expect(pathWithoutQuery('/orders/7')).toBe('/orders/7');
    expect(pathWithoutQuery('/?')).toBe('/');
    expect(pathWithoutQuery('')).toBe('');
  });
});

describe('warnings', () => {
  it('logs each code once and never throws', () => {
    const logged: string[] = [];
    const warnings = new Warnings({ warn: (_m, { code }) => void logged.push(code) });
    checkForwarding(warnings, 'permissive', undefined);
    checkForwarding(warnings, 'permissive', undefined);
    checkForwarding(warnings, 'off', '1.2.3.4');
    checkForwarding(warnings, 'restricted', '1.2.3.4');
    expect(logged).toEqual([WarningCode.PermissiveTrustProxy, WarningCode.ForwardedWithoutTrustProxy]);
    const throwing = new Warnings({ warn: () => { throw new Error('logger down'); } });
    expect(() => throwing.warn(WarningCode.DoubleCount)).not.toThrow();
  });
  it('notices one request counted twice by the same policy and key', () => {
    const logged: string[] = [];
    const warnings = new Warnings({ warn: (_m, { code }) => void logged.push(code) });
    const request = {};
    noteCount(warnings, request, 'api', '1.1.1.1');
    noteCount(warnings, {}, 'api', '1.1.1.1');
    expect(logged).toEqual([]);
    noteCount(warnings, request, 'api', '1.1.1.1');
    expect(logged).toEqual([WarningCode.DoubleCount]);
  });
  it('skips the check, writing nothing on the request, when the adapter runs one pipeline per request', () => {
    const logged: string[] = [];
    const warnings = new Warnings({ warn: (_m, { code }) => void logged.push(code) }, { watchDoubleCounts: false });
    const request = {};
    noteCount(warnings, request, 'api', '1.1.1.1');
    noteCount(warnings, request, 'api', '1.1.1.1');
    expect(logged).toEqual([]);
    expect(Object.getOwnPropertySymbols(request)).toEqual([]);
    expect(httpSetup('t', {}, { onePipelinePerRequest: true }).warnings.watchesDoubleCounts).toBe(false);
    expect(httpSetup('t', {}).warnings.watchesDoubleCounts).toBe(true);
  });
  it('tells apart several keys and policies on one request, also on a frozen request object', () => {
    for (const request of [{}, Object.freeze({})]) {
      const logged: string[] = [];
      const warnings = new Warnings({ warn: (_m, { code }) => void logged.push(code) });
      noteCount(warnings, request, 'api', '1.1.1.1');
      noteCount(warnings, request, 'api', '2.2.2.2');
      noteCount(warnings, request, 'search', '1.1.1.1');
      expect(logged).toEqual([]);
      noteCount(warnings, request, 'search', '1.1.1.1');
      expect(logged).toEqual([WarningCode.DoubleCount]);
      expect(Reflect.ownKeys(request)).toEqual([]);
    }
  });
  it('sees a second count that follows the first at once, writing nothing on the request', () => {
    const logged: string[] = [];
    const warnings = new Warnings({ warn: (_m, { code }) => void logged.push(code) });
    for (let i = 0; i < 20; i++) {
      const request = Object.seal({});
      noteCount(warnings, request, 'api', '1.1.1.1');
      noteCount(warnings, request, 'search', '1.1.1.1');
    }
    expect(logged).toEqual([]);
    const request = Object.seal({});
    noteCount(warnings, request, 'api', '1.1.1.1');
    noteCount(warnings, request, 'search', '1.1.1.1');
    noteCount(warnings, request, 'api', '1.1.1.1');
    expect(logged).toEqual([WarningCode.DoubleCount]);
  });
  it('sees, within a few dozen requests, second counts that other requests came between', () => {
    for (const between of [1, 2, 3, 5, 10, 14]) {
      const logged: string[] = [];
      const warnings = new Warnings({ warn: (_m, { code }) => void logged.push(code) });
      // Interleaved as a remote store lets them: each request is counted again after `between` other
      // requests were counted, and as many counted again (fewer than 32 counts in all).
      const requests = Array.from({ length: 200 }, () => ({}));
      let sent = 0;
      for (; sent < requests.length && logged.length === 0; sent++) {
        noteCount(warnings, requests[sent]!, 'api', '1.1.1.1');
        if (sent >= between) noteCount(warnings, requests[sent - between]!, 'api', '1.1.1.1');
      }
      expect(logged, `${between} between`).toEqual([WarningCode.DoubleCount]);
      expect(sent, `${between} between`).toBeLessThanOrEqual(between + 14);
    }
    // The window is the last 32 counts: a request counted again after 32 other counts is no longer seen.
    const logged: string[] = [];
    const quiet = new Warnings({ warn: (_m, { code }) => void logged.push(code) });
    const requests = Array.from({ length: 200 }, () => ({}));
    for (let sent = 0; sent < requests.length; sent++) {
      noteCount(quiet, requests[sent]!, 'api', '1.1.1.1');
      if (sent >= 32) noteCount(quiet, requests[sent - 32]!, 'api', '1.1.1.1');
    }
    expect(logged).toEqual([]);
  });
});
