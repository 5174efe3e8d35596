import type { Clock } from '../clock/clock.js';
import { Bulkhead } from '../bulkhead/bulkhead.js';
import type { BulkheadOptions } from '../bulkhead/options.js';
import { CircuitBreaker } from '../circuit-breaker/circuit-breaker.js';
import type { CircuitBreakerOptions } from '../circuit-breaker/options.js';
import type { FallbackChain } from '../fallback/fallback-chain.js';
import { Quota } from '../quota/quota.js';
import type { QuotaOptions } from '../quota/options.js';
import type { RateLimitOptions } from '../rate-limit/options.js';
import { RateLimit } from '../rate-limit/rate-limit.js';
import type { Registry } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import type { TimeoutOptions } from '../timeout/options.js';
import { Timeout } from '../timeout/timeout.js';
import type { HttpResponse } from './http-response.js';
import type { HttpInput } from './request-info.js';

/** What a fallback function receives. */
export interface FallbackContext {
  /**
   * Why the fallback is asked: the refusal's error (`CircuitOpenError`, `BulkheadFullError`,
   * `TimeoutError`), or a `HandlerFailedError` when the handler itself failed.
   */
  readonly error: unknown;
  readonly request: HttpInput;
}

/**
 * How a route answers when its breaker is open, its bulkhead full or its deadline passed (rate limits
 * and quotas always answer 429), and, unless `fallbackOnFailure` is false, when its handler answers a
 * failure status (5xx) or throws: a static response, a function (returning undefined declines: the
 * refusal or the handler's response stands), the last good response for the same method and path
 * (stale-if-error, bounded by age and entries), or a core fallback chain whose tiers yield responses.
 */
export type RouteFallback =
  | { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown }
  | ((context: FallbackContext) => HttpResponse | undefined | PromiseLike<HttpResponse | undefined>)
  | { readonly lastGood: { readonly maxAgeMs?: number; readonly maxEntries?: number } }
  | FallbackChain<HttpResponse>;

/**
 * The guards of one route, each a policy instance or its options (built once, shared by name through
 * the registry). Limits and quotas without a `key` count per client (`input.client`).
 */
export interface RouteGuards {
  readonly rateLimit?: RateLimit<HttpInput> | RateLimitOptions<HttpInput>;
  readonly quota?: Quota<HttpInput> | QuotaOptions<HttpInput>;
  readonly bulkhead?: Bulkhead | BulkheadOptions;
  readonly circuitBreaker?: CircuitBreaker | CircuitBreakerOptions;
  readonly timeout?: Timeout | TimeoutOptions;
  readonly fallback?: RouteFallback;
  /**
   * Whether `fallback` also answers the handler's own failures: a status `outcome.isFailureStatus`
   * counts as a failure (5xx by default) or a thrown error counted as a failure. The handler's
   * failure is still counted by the breaker. @default true
   */
  readonly fallbackOnFailure?: boolean;
}

/** Policies of one route after building. */
export interface ResolvedGuards {
  readonly rateLimit: RateLimit<HttpInput> | undefined;
  readonly quota: Quota<HttpInput> | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly circuitBreaker: CircuitBreaker | undefined;
  readonly timeout: Timeout | undefined;
}

/** Shared context for building policies. */
export interface GuardEnvironment {
  readonly registry: Registry | undefined;
  readonly store: Store | undefined;
  readonly clock: Clock | undefined;
}

const byClient = (input: HttpInput): string => input.client;

/** Builds (or finds in the registry) each policy of a route. */
export function resolveGuards(guards: RouteGuards, env: GuardEnvironment): ResolvedGuards {
  return {
    rateLimit: build<RateLimit<HttpInput>, RateLimitOptions<HttpInput>>(guards.rateLimit, RateLimit, 'rate-limit', env, (o) => {
      const limits = o.limits.map((limit) => (limit.key === undefined ? { ...limit, key: byClient } : limit));
      return new RateLimit<HttpInput>(withShared({ ...o, limits }, env, true));
    }),
    quota: build<Quota<HttpInput>, QuotaOptions<HttpInput>>(guards.quota, Quota, 'quota', env, (o) => new Quota<HttpInput>(withShared({ ...o, key: o.key ?? byClient }, env, true))),
    bulkhead: build<Bulkhead, BulkheadOptions>(guards.bulkhead, Bulkhead, 'bulkhead', env, (o) => new Bulkhead(withShared(o, env, false))),
    circuitBreaker: build<CircuitBreaker, CircuitBreakerOptions>(guards.circuitBreaker, CircuitBreaker, 'circuit-breaker', env, (o) => new CircuitBreaker(withShared(o, env, false))),
    timeout: build<Timeout, TimeoutOptions>(guards.timeout, Timeout, 'timeout', env, (o) => new Timeout(withShared(o, env, false))),
  };
}

function build<P extends object, O>(
  given: P | O | undefined,
  type: abstract new (...args: never[]) => P,
  kind: string,
  env: GuardEnvironment,
  create: (options: O) => P,
): P | undefined {
  if (given === undefined) return undefined;
  const registry = env.registry;
  if (given instanceof type) return registry === undefined ? given : (registry.register(given as never) as P);
  const options = given as O;
  const name = (options as { name?: string }).name ?? kind;
  if (registry === undefined) return create(options);
  return registry.getOrCreate(kind, name, () => create(options) as never) as P;
}

function withShared<O extends object>(options: O, env: GuardEnvironment, store: boolean): O {
  let result = options;
  if (env.clock !== undefined && !('clock' in options && options.clock !== undefined)) result = { ...result, clock: env.clock };
  if (store && env.store !== undefined && !('store' in options && options.store !== undefined)) result = { ...result, store: env.store };
  return result;
}
