import { z } from 'zod';
import { parseOptions } from '../config/parse-options.js';
import { GuardPipeline } from './guard-pipeline.js';
import type { ResolvedHttpOptions } from './http-options.js';
import { fallbackOptionsSchema } from './response-fallback.js';
import type { RouteGuards } from './route-guards.js';
import type { Warnings } from './warnings.js';

/** One entry of a route table: a path pattern, optional methods, and the route's guards. */
export interface RouteEntry extends RouteGuards {
  /** `/api/users` (exact), `/api/users/:id` (one segment per parameter) or `/api/v1/query/*` (the prefix and below). */
  readonly path: string;
  /** Methods the entry applies to. @default every method */
  readonly methods?: readonly string[];
}

const policy = z.custom<object>((v) => typeof v === 'object' && v !== null, { message: 'expected a policy or its options' });

/** Validates a route table; policies' own options are validated by their factories. */
export const routeTableSchema = z.array(
  z
    .object({
      path: z.string().regex(/^\/[^\s]*$/, { message: 'expected a path starting with "/"' }),
      methods: z.array(z.string().min(1).transform((m) => m.toUpperCase())).min(1).optional(),
      rateLimit: policy.optional(),
      quota: policy.optional(),
      bulkhead: policy.optional(),
      circuitBreaker: policy.optional(),
      timeout: policy.optional(),
      fallback: fallbackOptionsSchema.shape.fallback,
      fallbackOnFailure: fallbackOptionsSchema.shape.fallbackOnFailure,
    })
    .strict(),
  { message: 'expected an array of routes' },
);

/** Compiles a path pattern to a matcher. */
export function compilePattern(pattern: string): (path: string) => boolean {
  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -2);
    const head = compilePattern(prefix === '' ? '/' : prefix);
    return (path) => head(path) || path.startsWith(`${prefix}/`);
  }
  if (!pattern.includes(':')) return (path) => path === pattern || path === `${pattern}/`;
  const source = pattern.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  const regex = new RegExp(`^${source}/?$`);
  return (path) => regex.test(path);
}

/**
 * A declarative route table: the first entry whose pattern and method match a request guards it.
 *
 * @example
 * ```ts
 * const table = new RouteTable([{ path: '/api/v1/query/*', timeout: { duration: '2s' } }], options, warnings);
 * table.match('GET', '/api/v1/query/users')?.admit(info);
 * ```
 */
export class RouteTable {
  readonly #entries: readonly { readonly methods: ReadonlySet<string> | undefined; readonly matches: (path: string) => boolean; readonly guards: GuardPipeline }[];

  constructor(routes: readonly RouteEntry[], options: ResolvedHttpOptions, warnings: Warnings) {
    parseOptions('resilience.routes', routeTableSchema, routes);
    this.#entries = routes.map(({ path, methods, ...guards }) => ({
      methods: methods === undefined ? undefined : new Set(methods.map((m) => m.toUpperCase())),
      matches: compilePattern(path),
      guards: new GuardPipeline(guards, options, warnings),
    }));
  }

  /** The guards of the first matching entry, or undefined. */
  match(method: string, path: string): GuardPipeline | undefined {
    for (const entry of this.#entries) {
      if ((entry.methods === undefined || entry.methods.has(method)) && entry.matches(path)) return entry.guards;
    }
    return undefined;
  }
}
