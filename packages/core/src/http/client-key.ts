import { z } from 'zod';
import { functionSchema, intSchema } from '../config/schema-helpers.js';
import { defaultIpv6Subnet, ipKey } from './ip.js';
import type { RequestInfo } from './request-info.js';

/**
 * How the client of a request is identified: by IP (the default), an API-key header, the user, or
 * any function. A missing API key or user falls back to the IP.
 */
export type ClientKeyOptions =
  | { readonly by?: 'ip'; readonly ipv6Subnet?: number }
  | { readonly by: 'header'; readonly header: string; readonly ipv6Subnet?: number }
  | { readonly by: 'user'; readonly ipv6Subnet?: number }
  | { readonly by: 'custom'; readonly key: (request: RequestInfo) => string | undefined; readonly ipv6Subnet?: number };

/** Validates {@link ClientKeyOptions}; the single home of their defaults. */
export const clientKeySchema = z
  .object({
    by: z.enum(['ip', 'header', 'user', 'custom']).default('ip'),
    header: z.string().min(1).max(200).optional(),
    key: functionSchema<(request: RequestInfo) => string | undefined>().optional(),
    ipv6Subnet: intSchema(1, 128).default(defaultIpv6Subnet),
  })
  .strict()
  .refine((value) => value.by !== 'header' || value.header !== undefined, { message: 'by "header" needs a header name', path: ['header'] })
  .refine((value) => value.by !== 'custom' || value.key !== undefined, { message: 'by "custom" needs a key function', path: ['key'] });

export type ResolvedClientKey = z.output<typeof clientKeySchema>;

/** Longest key taken from a header or a function; longer values are cut so that a client cannot mint huge keys. */
const maxKeyLength = 256;

/**
 * Computes the client key of a request from resolved {@link ClientKeyOptions}.
 *
 * @example
 * ```ts
 * clientKeyOf({ by: 'header', header: 'x-api-key', ipv6Subnet: 56 }, info); // 'key:abc' or the IP
 * ```
 */
export function clientKeyOf(options: ResolvedClientKey, request: RequestInfo): string {
  const other = otherKey(options, request);
  if (other !== undefined && other !== '') return other.length > maxKeyLength ? other.slice(0, maxKeyLength) : other;
  return ipKey(request.ip, options.ipv6Subnet);
}

function otherKey(options: ResolvedClientKey, request: RequestInfo): string | undefined {
  switch (options.by) {
    case 'header': {
      const value = request.header(options.header as string);
      return value === undefined || value === '' ? undefined : `key:${value}`;
    }
    case 'user': {
      const user = request.user as { id?: unknown } | string | undefined;
      const id = typeof user === 'object' && user !== null ? user.id : user;
      return typeof id === 'string' || typeof id === 'number' ? `user:${id}` : undefined;
    }
    case 'custom':
      return options.key?.(request) ?? undefined;
    default:
      return undefined;
  }
}
