import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { functionSchema, intSchema } from '../config/schema-helpers.js';
import type { Registry } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import { type ClientKeyOptions, clientKeySchema } from './client-key.js';
import { defaultStatuses, type StatusMap } from './http-response.js';
import { type OutcomeOptions, outcomeSchema } from './outcome-classifier.js';
import type { RateLimitHeaderOptions } from './ratelimit-headers.js';
import type { Logger } from './warnings.js';

/** Options every adapter takes, besides the guards. */
export interface HttpOptions {
  /** Where rate limits and quotas count. @default a memory store per policy */
  readonly store?: Store;
  /** Shares policies by name across routes and reports them. */
  readonly registry?: Registry;
  /** @default systemClock */
  readonly clock?: Clock;
  /** How clients are identified. @default { by: 'ip', ipv6Subnet: 56 } */
  readonly clientKey?: ClientKeyOptions;
  /** Which responses and errors count as failures. */
  readonly outcome?: OutcomeOptions;
  /** Status codes of refusals. */
  readonly statuses?: StatusMap;
  /** Rate-limit header fields. @default { standard: 'httpapi', legacy: false } */
  readonly headers?: RateLimitHeaderOptions;
  /** Where misconfiguration warnings go. @default console */
  readonly logger?: Logger;
  /** How many instances of the app run (a memory store then warns). @default 1 */
  readonly instances?: number;
}

const statusSchema = intSchema(100, 599);

/** Validates {@link HttpOptions}; the single home of their defaults. */
export const httpOptionsSchema = z.object({
  store: z.custom<Store>((v) => typeof v === 'object' && v !== null, { message: 'expected a Store' }).optional(),
  registry: z.custom<Registry>((v) => typeof v === 'object' && v !== null, { message: 'expected a Registry' }).optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function', { message: 'expected a Clock' }).optional(),
  clientKey: clientKeySchema.default({ by: 'ip', ipv6Subnet: 56 }),
  outcome: outcomeSchema.default(() => outcomeSchema.parse({})),
  statuses: z
    .object({
      rateLimited: statusSchema.default(defaultStatuses.rateLimited),
      quotaExceeded: statusSchema.default(defaultStatuses.quotaExceeded),
      circuitOpen: statusSchema.default(defaultStatuses.circuitOpen),
      bulkheadFull: statusSchema.default(defaultStatuses.bulkheadFull),
      timeout: statusSchema.default(defaultStatuses.timeout),
    })
    .strict()
    .default(defaultStatuses),
  headers: z
    .object({
      standard: z.union([z.enum(['httpapi', 'draft-7', 'draft-6']), z.literal(false)]).default('httpapi'),
      legacy: z.boolean().default(false),
    })
    .strict()
    .default({ standard: 'httpapi', legacy: false }),
  logger: z.object({ warn: functionSchema<Logger['warn']>() }).loose().optional(),
  instances: intSchema(1).default(1),
});

/** {@link HttpOptions} after parsing. */
export type ResolvedHttpOptions = z.output<typeof httpOptionsSchema>;

const httpOnlyKeys = ['registry', 'clientKey', 'outcome', 'statuses', 'headers', 'logger', 'instances'] as const;

/**
 * Splits an adapter factory's options into the policy's own and the shared {@link HttpOptions}.
 * `store` and `clock` go to both.
 *
 * @example
 * ```ts
 * const [policy, http] = splitHttpOptions({ name: 'api', limits, headers: { legacy: true } });
 * ```
 */
export function splitHttpOptions<O extends object>(options: O & HttpOptions): [Omit<O, (typeof httpOnlyKeys)[number]>, HttpOptions] {
  const policy: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  const http: Record<string, unknown> = {};
  for (const key of httpOnlyKeys) {
    if (key in policy) {
      http[key] = policy[key];
      delete policy[key];
    }
  }
  if ('store' in options) http['store'] = options.store;
  if ('clock' in options) http['clock'] = options.clock;
  return [policy as Omit<O, (typeof httpOnlyKeys)[number]>, http as HttpOptions];
}
