import { type Clock, ConfigError, type ConfigIssue, type Duration, parseDuration, systemClock } from '@breakwater/core';
import { type ResolvedSharedBreakerOptions, resolveSharedBreakerOptions, type SharedBreakerOptions } from './breaker/shared-breaker-options.js';
import type { RedisClient } from './redis-client.js';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis `Redis` (single node or Sentinel) or `Cluster`. The store never closes it. */
  readonly client: RedisClient;
  /** First part of every key; no braces. @default 'breakwater' */
  readonly prefix?: string;
  /**
   * Whose time the scripts use: `'redis'` reads `TIME` inside each script, so that app servers with
   * skewed clocks agree; `'client'` uses the `now` each call passes (deterministic tests, the
   * conformance suite). @default 'redis'
   */
  readonly clock?: 'redis' | 'client';
  /** How long a decision may wait for Redis before it fails with `StoreUnavailableError`. @default 100 */
  readonly commandTimeout?: Duration;
  /** Refusals remembered locally so that a limited client costs no round trip; 0 turns it off. @default 10000 */
  readonly blockedCacheSize?: number;
  /** Calls waiting for Redis at once; beyond it calls fail at once (a frozen server). @default 10000 */
  readonly maxInFlight?: number;
  /** Timers for the command timeout and local time for the blocked-key cache. @default systemClock */
  readonly timers?: Clock;
  /**
   * Writes the calls made in one turn of the event loop together, up to 16 per socket write, at the
   * end of the turn (single node and Sentinel; a Cluster's calls are written one by one). Every call
   * stays one `EVALSHA`, atomic, with its own reply and deadline; only the system calls are shared,
   * which saves both the client's CPU and Redis's. The application's own commands on the client are
   * never held. `false` writes each call as soon as it is made. Not ioredis's `enableAutoPipelining`,
   * which the store's calls bypass. See docs/redis.md. @default true
   */
  readonly autoPipelining?: boolean;
  /**
   * Sends the rate-limit decisions made in one turn of the event loop (up to 64) as one script call,
   * at the end of the turn: under concurrent load, Redis and the client then pay one command, one
   * script start and one reply per batch instead of per decision. Each decision is still charged or
   * refused on its own, atomically, in the order it was asked; a failed call (a timeout, a lost
   * connection) fails every decision it carried. Single node and Sentinel; on a Cluster (whose keys
   * lie in many slots) decisions are sent one by one. See docs/redis.md. @default false
   */
  readonly batchDecisions?: boolean;
  /** How circuit breakers given this store share their state (docs/shared-breaker.md). */
  readonly breaker?: SharedBreakerOptions;
}

/** {@link RedisStoreOptions} with every default applied. */
export interface ResolvedRedisStoreOptions {
  readonly client: RedisClient;
  readonly prefix: string;
  readonly clock: 'redis' | 'client';
  readonly commandTimeoutMs: number;
  readonly blockedCacheSize: number;
  readonly maxInFlight: number;
  readonly timers: Clock;
  readonly autoPipelining: boolean;
  readonly batchDecisions: boolean;
  readonly breaker: ResolvedSharedBreakerOptions;
}

const defaults = { prefix: 'breakwater', clock: 'redis', commandTimeout: 100, blockedCacheSize: 10_000, maxInFlight: 10_000 } as const;

/** Checks and completes the options; throws {@link ConfigError} naming every bad option. */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  const issues: ConfigIssue[] = [];
  const bad = (path: string, message: string, received: unknown): void => {
    issues.push({ path: `RedisStore.${path}`, message, received });
  };
  const client = options?.client as RedisClient | undefined;
  if (client === null || typeof client !== 'object' || typeof (client as { evalsha?: unknown }).evalsha !== 'function') {
    bad('client', 'expected an ioredis Redis or Cluster', client);
  }
  const prefix = options?.prefix ?? defaults.prefix;
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) bad('prefix', 'expected a non-empty string without braces', prefix);
  const clock = options?.clock ?? defaults.clock;
  if (clock !== 'redis' && clock !== 'client') bad('clock', "expected 'redis' or 'client'", clock);
  const commandTimeoutMs = parseDuration(options?.commandTimeout ?? defaults.commandTimeout) ?? Number.NaN;
  if (!(commandTimeoutMs >= 1)) bad('commandTimeout', "expected a duration of at least 1 ms (ms, or a string such as '100ms')", options?.commandTimeout);
  const blockedCacheSize = options?.blockedCacheSize ?? defaults.blockedCacheSize;
  if (!Number.isSafeInteger(blockedCacheSize) || blockedCacheSize < 0) bad('blockedCacheSize', 'expected an integer >= 0', blockedCacheSize);
  const maxInFlight = options?.maxInFlight ?? defaults.maxInFlight;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) bad('maxInFlight', 'expected an integer >= 1', maxInFlight);
  const autoPipelining = options?.autoPipelining ?? true;
  if (typeof autoPipelining !== 'boolean') bad('autoPipelining', 'expected a boolean', autoPipelining);
  const batchDecisions = options?.batchDecisions ?? false;
  if (typeof batchDecisions !== 'boolean') bad('batchDecisions', 'expected a boolean', batchDecisions);
  const breaker = resolveSharedBreakerOptions(options?.breaker, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze({ client: client as RedisClient, prefix, clock, commandTimeoutMs, blockedCacheSize, maxInFlight, timers: options.timers ?? systemClock, autoPipelining, batchDecisions, breaker });
}
