import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, clientKeyOf, compilePattern, headerReader, headerValue, ipKey, remoteAddressOf, type RequestInfo } from '../src/index.js';
import { clientKeySchema } from '../src/http/client-key.js';
import { isDottedQuad } from '../src/http/ip.js';

const info = (ip: string, headers: Record<string, string> = {}, user?: unknown): RequestInfo => ({
  ip,
  method: 'GET',
  path: '/',
  header: (name) => headers[name],
  user,
});

describe('ipKey', () => {
  it('keeps IPv4 and unwraps IPv4-mapped IPv6', () => {
    expect(ipKey('10.1.2.3')).toBe('10.1.2.3');
    expect(ipKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(ipKey('::FFFF:192.168.0.1')).toBe('192.168.0.1');
  });

  it('masks IPv6 to a /56 by default, and to any prefix by option', () => {
    expect(ipKey('2001:db8:1:ab12::1')).toBe('2001:db8:1:ab00::/56');
    expect(ipKey('2001:db8:1:abff:ffff::9')).toBe('2001:db8:1:ab00::/56');
    expect(ipKey('2001:db8:1:ab12::1', 64)).toBe('2001:db8:1:ab12::/64');
    expect(ipKey('2001:db8:1:ab12::1', 48)).toBe('2001:db8:1::/48');
    expect(ipKey('2001:DB8::1', 128)).toBe('2001:db8::1');
    expect(ipKey('::1')).toBe('::/56');
  });

  it('puts anything that is not an IP in one bucket', () => {
    for (const bad of ['', 'not-an-ip', '999.1.1.1', '1.2.3.4, 5.6.7.8', 'x'.repeat(10_000), '::gggg']) expect(ipKey(bad)).toBe('unknown');
  });

  it('answers a repeated address from its last answer, and only for the same address and prefix', () => {
    // The same address twice, then with another prefix, then another address of the same /56:
    // a reuse that ignored the prefix or compared only part of the address would answer wrongly.
    const sequence: [string, number | undefined, string][] = [
      ['2001:db8:1:ab12::1', undefined, '2001:db8:1:ab00::/56'],
      ['2001:db8:1:ab12::1', undefined, '2001:db8:1:ab00::/56'],
      ['2001:db8:1:ab12::1', 64, '2001:db8:1:ab12::/64'],
      ['2001:db8:1:ab12::1', undefined, '2001:db8:1:ab00::/56'],
      ['2001:db8:1:ab12::2', 128, '2001:db8:1:ab12::2'],
      ['10.0.0.1', undefined, '10.0.0.1'],
      ['10.0.0.1', undefined, '10.0.0.1'],
      ['not-an-ip', undefined, 'unknown'],
      ['10.0.0.1', 64, '10.0.0.1'],
    ];
    for (const [ip, prefix, key] of sequence) expect(ipKey(ip, prefix)).toBe(key);
  });

  it('gives the key it would give without its last answer, whatever came before (random sequences)', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('::1', '::ffff:10.1.2.3', 'junk', ''));
    fc.assert(
      fc.property(fc.array(fc.tuple(address, fc.integer({ min: 1, max: 128 })), { maxLength: 20 }), (calls) => {
        for (const [ip, prefix] of calls) {
          // First with the previous call's answer kept, then worked out afresh after another address.
          const kept = ipKey(ip, prefix);
          ipKey('192.0.2.1', 1);
          expect(kept).toBe(ipKey(ip, prefix));
        }
      }),
    );
  });
});

describe('clientKeyOf', () => {
  const resolve = (options: unknown) => clientKeySchema.parse(options);

  it('keys by IP by default', () => {
    expect(clientKeyOf(resolve({}), info('2001:db8::1'))).toBe('2001:db8::/56');
  });

  it('keys by an API-key header, falling back to the IP when it is missing', () => {
    const options = resolve({ by: 'header', header: 'x-api-key' });
    expect(clientKeyOf(options, info('1.1.1.1', { 'x-api-key': 'abc' }))).toBe('key:abc');
    expect(clientKeyOf(options, info('1.1.1.1'))).toBe('1.1.1.1');
    expect(clientKeyOf(options, info('1.1.1.1', { 'x-api-key': 'k'.repeat(5_000) })).length).toBe(256);
  });

  it('keys by user id or custom function', () => {
    expect(clientKeyOf(resolve({ by: 'user' }), info('1.1.1.1', {}, { id: 7 }))).toBe('user:7');
    expect(clientKeyOf(resolve({ by: 'user' }), info('1.1.1.1'))).toBe('1.1.1.1');
    expect(clientKeyOf(resolve({ by: 'custom', key: (r: RequestInfo) => r.header('x-tenant') }), info('1.1.1.1', { 'x-tenant': 't1' }))).toBe('t1');
  });

  it('rejects incomplete options', () => {
    expect(clientKeySchema.safeParse({ by: 'header' }).success).toBe(false);
    expect(clientKeySchema.safeParse({ ipv6Subnet: 0 }).success).toBe(false);
    expect(ConfigError).toBeDefined();
  });
});

describe('compilePattern', () => {
  it('matches exact paths, parameters and prefixes', () => {
    expect(compilePattern('/api/users')('/api/users')).toBe(true);
    expect(compilePattern('/api/users')('/api/users/1')).toBe(false);
    expect(compilePattern('/api/users/:id')('/api/users/1')).toBe(true);
    expect(compilePattern('/api/users/:id')('/api/users/1/x')).toBe(false);
    const prefix = compilePattern('/api/v1/query/*');
    expect(prefix('/api/v1/query')).toBe(true);
    expect(prefix('/api/v1/query/a/b')).toBe(true);
    expect(prefix('/api/v1/queryx')).toBe(false);
    expect(compilePattern('/*')('/anything')).toBe(true);
  });
});

describe('isDottedQuad (the hand-written IPv4 check on the per-request path)', () => {
  it('agrees with node:net isIP on edge cases', () => {
    const cases = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3.04', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '::1', '::ffff:1.2.3.4', 'a.b.c.d', ' 1.2.3.4', '1.2.3.4 ', '999.1.1.1', '1.2.3.2555', ''];
    for (const ip of cases) expect(isDottedQuad(ip), ip).toBe(isIP(ip) === 4);
  });

  it('agrees with node:net isIP on random strings of digits and dots, and accepts every IPv4 address', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9.]{0,16}$/), (ip) => isDottedQuad(ip) === (isIP(ip) === 4)), { numRuns: 5_000 });
    fc.assert(fc.property(fc.ipV4(), (ip) => isDottedQuad(ip)), { numRuns: 1_000 });
  });
});

describe('headerValue / headerReader (the headers of a Node request as RequestInfo.header)', () => {
  it('reads one header, joins a repeated one, and answers undefined for a missing one', () => {
    const headers = { 'x-api-key': 'k1', 'x-tags': ['a', 'b'] };
    expect(headerValue(headers, 'x-api-key')).toBe('k1');
    expect(headerValue(headers, 'x-tags')).toBe('a, b');
    expect(headerValue(headers, 'x-missing')).toBeUndefined();
    const { header } = { header: headerReader(headers) };
    expect(header('x-tags')).toBe('a, b');
  });
});

describe('remoteAddressOf (a connection\'s address, asked of Node once)', () => {
  /** A socket whose `remoteAddress` answers from `answers` in turn and counts the reads. */
  function socket(...answers: (string | undefined)[]) {
    let reads = 0;
    return {
      get remoteAddress() {
        return answers[Math.min(reads++, answers.length - 1)];
      },
      get reads() {
        return reads;
      },
    };
  }

  it('reads each socket once, and keeps sockets apart', () => {
    const a = socket('10.0.0.1');
    const b = socket('2001:db8::1');
    expect([remoteAddressOf(a), remoteAddressOf(b), remoteAddressOf(a), remoteAddressOf(b), remoteAddressOf(a)]).toEqual(['10.0.0.1', '2001:db8::1', '10.0.0.1', '2001:db8::1', '10.0.0.1']);
    expect([a.reads, b.reads]).toEqual([1, 1]);
  });

  it('does not remember a socket that could not tell (destroyed before its address was read)', () => {
    const gone = socket(undefined, '10.0.0.2');
    expect(remoteAddressOf(gone)).toBeUndefined();
    expect(remoteAddressOf(gone)).toBe('10.0.0.2');
    expect(remoteAddressOf(gone)).toBe('10.0.0.2');
    expect(gone.reads).toBe(2);
  });

  it("answers undefined for no socket (a destroyed connection's request)", () => {
    expect([remoteAddressOf(null), remoteAddressOf(undefined)]).toEqual([undefined, undefined]);
  });
});
