import { describe, expect, it } from 'vitest';
import { NodeRequestInfo } from '../src/index.js';

describe('NodeRequestInfo', () => {
  const source = { headers: { 'x-api-key': 'k1', 'x-forwarded-for': ['203.0.113.7', '10.0.0.1'] } };
  const info = new NodeRequestInfo(source, '198.51.100.2', 'GET', '/orders', '/orders', { id: 7 });

  it('carries the fields it was given, and the request as its source', () => {
    expect(info).toMatchObject({ ip: '198.51.100.2', method: 'GET', path: '/orders', route: '/orders', user: { id: 7 } });
    expect(info.source).toBe(source);
  });

  it("reads headers from the source's Node headers, repeated fields joined, and can be destructured", () => {
    const { header } = info;
    expect(header('x-api-key')).toBe('k1');
    expect(header('x-forwarded-for')).toBe('203.0.113.7, 10.0.0.1');
    expect(header('absent')).toBeUndefined();
    expect(info.header).toBe(header); // made once, on first read
  });
});
