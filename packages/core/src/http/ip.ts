import { isIPv6 } from 'node:net';

/** Default prefix IPv6 addresses are keyed by: one /56 is typically one customer. */
export const defaultIpv6Subnet = 56;

/**
 * Normalises an IP for keying: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4, IPv6 is masked to
 * its `/ipv6Subnet` network. Anything that is not an IP yields `unknown`, so malformed input shares
 * one bucket instead of minting unbounded keys.
 *
 * @example
 * ```ts
 * ipKey('2001:db8:1:ab00::1'); // '2001:db8:1:ab00::/56'
 * ipKey('::ffff:10.0.0.1');    // '10.0.0.1'
 * ```
 */
export function ipKey(ip: string, ipv6Subnet: number = defaultIpv6Subnet): string {
  // A keep-alive connection sends its requests from one address, so the last answer is often this
  // one: a string comparison instead of a parse (about 500 instructions for an IPv4 address).
  if (ip === last.ip && ipv6Subnet === last.ipv6Subnet) return last.key;
  const key = keyOf(ip, ipv6Subnet);
  last.ip = ip;
  last.ipv6Subnet = ipv6Subnet;
  last.key = key;
  return key;
}

/** The last address keyed and its key: {@link ipKey} is a pure function, so one answer can be reused. */
const last = { ip: '', ipv6Subnet: 0, key: 'unknown' };

function keyOf(ip: string, ipv6Subnet: number): string {
  if (isDottedQuad(ip)) return ip;
  if (!isIPv6(ip)) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped !== null) return mapped[1] as string;
  if (ipv6Subnet >= 128) return ip.toLowerCase();
  return `${maskIpv6(expandIpv6(ip), ipv6Subnet)}/${ipv6Subnet}`;
}

/** Eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail is converted). */
function expandIpv6(ip: string): number[] {
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(fill).fill('0'), ...right].map((group) => Number.parseInt(group, 16));
}

function maskIpv6(groups: readonly number[], prefix: number): string {
  const masked = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, prefix - i * 16));
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  return compressIpv6(masked);
}

function compressIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * True for a plain IPv4 address (`203.0.113.7`: four decimal parts, 0–255, no leading zeros), the
 * form `node:net`'s `isIP` accepts. Checked by hand because it runs on every request, where the
 * regular expression behind `isIP` costs several times more.
 */
export function isDottedQuad(ip: string): boolean {
  const length = ip.length;
  if (length < 7 || length > 15) return false;
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= length; i++) {
    const code = i === length ? 46 : ip.charCodeAt(i);
    if (code === 46) {
      // A part ends: 1–3 digits, at most 255, no leading zero.
      if (digits === 0 || value > 255 || (digits > 1 && ip.charCodeAt(i - digits) === 48)) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (code >= 48 && code <= 57) {
      if (++digits > 3) return false;
      value = value * 10 + (code - 48);
    } else {
      return false;
    }
  }
  return parts === 4;
}
