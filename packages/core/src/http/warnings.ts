import { RecentCounts } from './recent-counts.js';

/** Codes of the misconfiguration warnings; each is logged at most once per {@link Warnings}. */
export const WarningCode = {
  /** Trust proxy is `true`: any client can choose its IP with `X-Forwarded-For`. */
  PermissiveTrustProxy: 'BW_PERMISSIVE_TRUST_PROXY',
  /** `X-Forwarded-For` arrived while trust proxy is off: behind a proxy, every client shares one IP. */
  ForwardedWithoutTrustProxy: 'BW_XFF_WITHOUT_TRUST_PROXY',
  /** A memory store while the app says it runs several instances: each counts on its own. */
  MemoryStoreMultiInstance: 'BW_MEMORY_STORE_MULTI_INSTANCE',
  /** Middleware was created while a request was being handled: its counts restart on every request. */
  CreatedInHandler: 'BW_CREATED_IN_HANDLER',
  /** One request was counted twice under the same policy and key. */
  DoubleCount: 'BW_DOUBLE_COUNT',
} as const;

/** One of the values of {@link WarningCode}. */
export type WarningCode = (typeof WarningCode)[keyof typeof WarningCode];

/** Where warnings go. @default console */
export interface Logger {
  warn(message: string, details: { readonly code: WarningCode }): void;
}

const messages: Readonly<Record<WarningCode, string>> = {
  BW_PERMISSIVE_TRUST_PROXY: 'trust proxy is `true`: clients can pick their IP with X-Forwarded-For; trust a hop count or your proxy addresses instead',
  BW_XFF_WITHOUT_TRUST_PROXY: 'X-Forwarded-For is present but trust proxy is off: if the app runs behind a proxy, every client is keyed by the proxy address',
  BW_MEMORY_STORE_MULTI_INSTANCE: 'a memory store is used while the app runs several instances: each instance counts on its own; use a shared store',
  BW_CREATED_IN_HANDLER: 'resilience middleware was created inside a request handler: its state restarts with every request; create it once, at startup',
  BW_DOUBLE_COUNT: 'one request was counted twice by the same policy and key: is the middleware mounted twice?',
};

const consoleLogger: Logger = { warn: (message, details) => console.warn(`[breakwater] ${details.code}: ${message}`) };

/** Options of {@link Warnings}. */
export interface WarningsOptions {
  /** Check each request for a second count under the same policy and key ({@link noteCount}). @default true */
  readonly watchDoubleCounts?: boolean;
}

/**
 * Run-once, coded misconfiguration warnings. Never throws: a failing logger is ignored, so a
 * warning can never break a request.
 *
 * @example
 * ```ts
 * const warnings = new Warnings({ warn: (message, { code }) => log.warn({ code }, message) });
 * warnings.warn(WarningCode.PermissiveTrustProxy);
 * ```
 */
export class Warnings {
  /**
   * False when no request can be counted twice (an adapter whose requests pass one pipeline at most):
   * {@link noteCount} then skips its per-request bookkeeping.
   */
  readonly watchesDoubleCounts: boolean;
  readonly #logger: Logger;
  readonly #seen = new Set<WarningCode>();

  constructor(logger: Logger = consoleLogger, options: WarningsOptions = {}) {
    this.#logger = logger;
    this.watchesDoubleCounts = options.watchDoubleCounts ?? true;
  }

  /** Logs the warning unless it was logged before; true when it was logged now. */
  warn(code: WarningCode): boolean {
    if (this.#seen.has(code)) return false;
    this.#seen.add(code);
    try {
      this.#logger.warn(messages[code], { code });
    } catch {
      // A warning must never break a request.
    }
    return true;
  }

  /** True once `code` has been logged. */
  has(code: WarningCode): boolean {
    return this.#seen.has(code);
  }
}

/** How the framework is set to trust proxies. */
export type TrustProxyMode = 'off' | 'permissive' | 'restricted';

/** Requests being handled now, in this process: a factory called while > 0 runs inside a handler. */
let activeRequests = 0;

/** Adapters call this when a request enters and leaves the middleware. */
export function trackRequest(delta: 1 | -1): void {
  activeRequests = Math.max(0, activeRequests + delta);
}

/** True while some request is being handled (a middleware factory called now is likely in a handler). */
export function insideRequest(): boolean {
  return activeRequests > 0;
}

/** Checks a request against the trust-proxy setting (cheap: one header read). */
export function checkForwarding(warnings: Warnings, trustProxy: TrustProxyMode, forwardedFor: string | undefined): void {
  if (trustProxy === 'permissive') warnings.warn(WarningCode.PermissiveTrustProxy);
  else if (trustProxy === 'off' && forwardedFor !== undefined) warnings.warn(WarningCode.ForwardedWithoutTrustProxy);
}

/** The last 32 requests counted: see {@link RecentCounts} for what that size catches. */
const recentCounts = new RecentCounts(32);

/**
 * Records that `source` (a request) was counted by `policy` under `key`; warns the second time.
 * Nothing is written on the request.
 */
export function noteCount(warnings: Warnings, source: object | undefined, policy: string, key: string): void {
  if (source === undefined || !warnings.watchesDoubleCounts) return;
  if (recentCounts.note(source, policy, key)) warnings.warn(WarningCode.DoubleCount);
}
