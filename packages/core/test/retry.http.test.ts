import { describe, expect, it } from 'vitest';
import { CircuitOpenError, TimeoutError, classifyHttpOutcome, isTransient, parseRetryAfter, retryAfterOf } from '../src/index.js';

const networkError = (code: string) => Object.assign(new Error(code), { code });

describe('classifyHttpOutcome', () => {
  it.each([408, 429, 500, 502, 503, 504])('status %i is transient', (status) => {
    expect(classifyHttpOutcome(status)).toBe('transient');
    expect(classifyHttpOutcome({ status })).toBe('transient');
    expect(isTransient({ statusCode: status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 405, 422])('status %i is permanent', (status) => {
    expect(classifyHttpOutcome(status)).toBe('permanent');
    expect(isTransient(status)).toBe(false);
  });

  it.each([200, 201, 204, 301, 304])('status %i is a success', (status) => {
    expect(classifyHttpOutcome(status)).toBe('success');
  });

  it.each([409, 410, 501, 505, 599])('status %i is unknown', (status) => {
    expect(classifyHttpOutcome(status)).toBe('unknown');
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])(
    'network error %s is transient',
    (code) => {
      expect(classifyHttpOutcome(networkError(code))).toBe('transient');
    },
  );

  it('reads the status of errors from HTTP clients', () => {
    expect(classifyHttpOutcome(Object.assign(new Error('axios'), { response: { status: 503 } }))).toBe('transient');
    expect(classifyHttpOutcome(Object.assign(new Error('got'), { response: { statusCode: 404 } }))).toBe('permanent');
    expect(classifyHttpOutcome(Object.assign(new Error('ky'), { status: 429 }))).toBe('transient');
  });

  it('follows the cause chain (fetch wraps the socket error in a TypeError)', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: networkError('ECONNREFUSED') });
    expect(classifyHttpOutcome(fetchFailed)).toBe('transient');
    const deep = new Error('a', { cause: new Error('b', { cause: new Error('c', { cause: networkError('ECONNRESET') }) }) });
    expect(isTransient(deep)).toBe(true);
  });

  it('timeouts are transient: Breakwater’s TimeoutError and AbortSignal.timeout()’s DOMException', () => {
    expect(classifyHttpOutcome(new TimeoutError('db', 100))).toBe('transient');
    expect(classifyHttpOutcome(new DOMException('signal timed out', 'TimeoutError'))).toBe('transient');
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an open breaker', new CircuitOpenError('db', 'open', 1)],
    ['a user abort', new DOMException('aborted', 'AbortError')],
    ['an unknown code', networkError('ENOENT')],
    ['null', null],
    ['a string', '503'],
    ['a status out of range', 999],
    ['a fractional status', 503.5],
  ])('%s is unknown', (_label, outcome) => {
    expect(classifyHttpOutcome(outcome)).toBe('unknown');
    expect(isTransient(outcome)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['1.5', 1_500],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['Wednesday, 21-Oct-15 07:29:00 GMT', 60_000],
    ['Tue, 20 Oct 2015 07:28:00 GMT', 0], // in the past: now
    ['-5', undefined],
    ['soon', undefined],
    ['1.5.3', undefined],
    ['', undefined],
    ['Mon, 99 Foo 2015 00:00:00 GMT', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('retryAfterOf', () => {
  const now = 0;
  it('reads a fetch Headers object and a plain header object', () => {
    expect(retryAfterOf({ ok: true, result: { headers: new Headers({ 'Retry-After': '2' }) } }, now)).toBe(2_000);
    expect(retryAfterOf({ ok: true, result: { headers: { 'retry-after': '3' } } }, now)).toBe(3_000);
    expect(retryAfterOf({ ok: true, result: { headers: { 'Retry-After': 4 } } }, now)).toBe(4_000);
    expect(retryAfterOf({ ok: true, result: { headers: { 'retry-after': ['5', '6'] } } }, now)).toBe(5_000);
  });

  it('reads errors: retryAfterMs first, then response headers', () => {
    expect(retryAfterOf({ ok: false, error: new CircuitOpenError('db', 'open', 1_234) }, now)).toBe(1_234);
    const axios = Object.assign(new Error('429'), { response: { status: 429, headers: { 'retry-after': '7' } } });
    expect(retryAfterOf({ ok: false, error: axios }, now)).toBe(7_000);
  });

  it('is undefined when nothing asks for a wait', () => {
    expect(retryAfterOf({ ok: true, result: { status: 503, headers: new Headers() } }, now)).toBeUndefined();
    expect(retryAfterOf({ ok: true, result: 'text' }, now)).toBeUndefined();
    expect(retryAfterOf({ ok: false, error: new Error('x') }, now)).toBeUndefined();
    expect(retryAfterOf({ ok: true, result: { retryAfterMs: 5 } }, now)).toBeUndefined(); // only errors carry retryAfterMs
  });
});
