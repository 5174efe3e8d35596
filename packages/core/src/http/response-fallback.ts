import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { FallbackChain } from '../fallback/fallback-chain.js';
import type { HttpResponse } from './http-response.js';
import type { HttpInput } from './request-info.js';
import type { RouteFallback } from './route-guards.js';

/** Header naming the fallback kind that answered. */
export const fallbackHeader = 'x-breakwater-fallback';

/** Validates a route's `fallback` and `fallbackOnFailure`; the single home of the latter's default. */
export const fallbackOptionsSchema = z.object({
  fallback: z.custom<RouteFallback>((v) => (typeof v === 'object' && v !== null) || typeof v === 'function', { message: 'expected a fallback' }).optional(),
  fallbackOnFailure: z.boolean({ message: 'expected a boolean' }).default(true),
});

/** A route's fallback, ready to answer. */
export interface ResponseFallback {
  /** True when the adapter should hand successful responses to `record` (last good response). */
  readonly records: boolean;
  /** Remembers a successful response for this request's method and path. */
  record(input: HttpInput, response: HttpResponse): void;
  /** The response to serve for `error`, or undefined when this fallback has none. */
  answer(error: unknown, input: HttpInput): Promise<HttpResponse | undefined>;
}

/** Defaults of the last-good cache. */
export const lastGoodDefaults = { maxAgeMs: 5 * 60_000, maxEntries: 100 } as const;

/** Builds the fallback of a route. */
export function responseFallback(fallback: RouteFallback, clock: Clock): ResponseFallback {
  if (fallback instanceof FallbackChain) return new ChainFallback(fallback);
  if (typeof fallback === 'function') return new FunctionFallback(fallback);
  if ('lastGood' in fallback) return new LastGoodFallback(clock, fallback.lastGood.maxAgeMs ?? lastGoodDefaults.maxAgeMs, fallback.lastGood.maxEntries ?? lastGoodDefaults.maxEntries);
  const response: HttpResponse = { status: fallback.status ?? 200, headers: { ...fallback.headers, [fallbackHeader]: 'static' }, body: fallback.body };
  return { records: false, record: () => undefined, answer: () => Promise.resolve(response) };
}

class FunctionFallback implements ResponseFallback {
  readonly records = false;
  readonly #fn: Extract<RouteFallback, (...args: never[]) => unknown>;
  constructor(fn: Extract<RouteFallback, (...args: never[]) => unknown>) {
    this.#fn = fn;
  }
  record(): void {}
  async answer(error: unknown, request: HttpInput): Promise<HttpResponse | undefined> {
    const response = await this.#fn({ error, request });
    if (response === undefined) return undefined;
    return { ...response, headers: { ...response.headers, [fallbackHeader]: 'function' } };
  }
}

class ChainFallback implements ResponseFallback {
  readonly records = false;
  readonly #chain: FallbackChain<HttpResponse>;
  constructor(chain: FallbackChain<HttpResponse>) {
    this.#chain = chain;
  }
  record(): void {}
  async answer(error: unknown): Promise<HttpResponse | undefined> {
    try {
      const response = await this.#chain.execute<HttpResponse>(() => Promise.reject(error));
      return { ...response, headers: { ...response.headers, [fallbackHeader]: 'chain' } };
    } catch {
      return undefined;
    }
  }
}

/** Stale-if-error: the last successful response per method and path, bounded by age and entry count (LRU). */
class LastGoodFallback implements ResponseFallback {
  readonly records = true;
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { readonly at: number; readonly response: HttpResponse }>();

  constructor(clock: Clock, maxAgeMs: number, maxEntries: number) {
    this.#clock = clock;
    this.#maxAgeMs = maxAgeMs;
    this.#maxEntries = maxEntries;
  }

  record(input: HttpInput, response: HttpResponse): void {
    const key = `${input.method} ${input.path}`;
    this.#entries.delete(key);
    this.#entries.set(key, { at: this.#clock.now(), response });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  answer(_error: unknown, input: HttpInput): Promise<HttpResponse | undefined> {
    const key = `${input.method} ${input.path}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) return Promise.resolve(undefined);
    const age = this.#clock.now() - entry.at;
    if (age > this.#maxAgeMs) {
      this.#entries.delete(key);
      return Promise.resolve(undefined);
    }
    const { response } = entry;
    const headers = { ...response.headers, [fallbackHeader]: 'last-good', age: String(Math.floor(age / 1000)) };
    return Promise.resolve({ status: response.status, headers, body: response.body });
  }
}
