import type { Decision } from '../store/decision.js';
import type { LimitSpec } from '../store/limit-spec.js';
import type { Store } from '../store/store.js';
import { globalKey, Judgement, type RateLimitDecision, toRateLimitDecision } from './decision.js';
import type { ResolvedLimit } from './options-schema.js';

type KeyFunction<TInput> = ((input: TInput) => string) | undefined;

/** A policy's limits, compiled once: the store specs, names and key functions. */
export class LimitSet<TInput> {
  readonly specs: readonly LimitSpec[];
  readonly names: readonly string[];
  readonly #policy: string;
  readonly #keyFunctions: readonly KeyFunction<TInput>[];

  constructor(policy: string, limits: readonly ResolvedLimit[]) {
    this.#policy = policy;
    this.specs = Object.freeze(limits.map((limit) => Object.freeze(toSpec(`${policy}:${limit.name}`, limit))));
    this.names = Object.freeze(limits.map((limit) => limit.name));
    this.#keyFunctions = limits.map((limit) => limit.key as KeyFunction<TInput>);
  }

  /** The key limit `index` counts `input` under. */
  keyOf(index: number, input: TInput): string {
    const keyFunction = this.#keyFunctions[index];
    if (keyFunction === undefined) return globalKey;
    const key = keyFunction(input);
    if (typeof key !== 'string') throw this.#badKey(index, key);
    return key;
  }

  /** The error for a key function that returned something else than a string (apart, to keep `keyOf` small). */
  #badKey(index: number, key: unknown): TypeError {
    return new TypeError(`rateLimit "${this.#policy}": key() of limit "${this.names[index]}" returned ${String(key)}; expected a string`);
  }

  /** Every limit's key for `input`, in order. */
  keysFor(input: TInput): string[] {
    const keys: string[] = [];
    for (let i = 0; i < this.specs.length; i++) keys.push(this.keyOf(i, input));
    return keys;
  }

  /** Charges `cost` under every limit as one store step. */
  consume(store: Store, keys: readonly string[], cost: number, now: number): Judgement | Promise<Judgement> {
    return this.consumeThen(store, keys, cost, now, identity);
  }

  /**
   * {@link consume}, handing the judgement to `next`: with an asynchronous store, in the same `then`
   * that builds it (one promise fewer per decision than chaining on `consume`).
   */
  consumeThen<T>(store: Store, keys: readonly string[], cost: number, now: number, next: (judgement: Judgement) => T): T | Promise<Awaited<T>> {
    if (this.specs.length === 1) {
      const decision = store.consume(this.specs[0] as LimitSpec, keys[0] as string, cost, now);
      if (decision instanceof Promise) return decision.then((resolved) => next(new Judgement(keys, [resolved], now)) as Awaited<T>);
      return next(new Judgement(keys, [decision], now));
    }
    const decisions = store.consumeAll(this.specs, keys, cost, now);
    if (decisions instanceof Promise) return decisions.then((resolved) => next(new Judgement(keys, resolved, now)) as Awaited<T>);
    return next(new Judgement(keys, decisions, now));
  }

  /** The judgement's most restrictive decision, named. */
  namedAt(judgement: Judgement): RateLimitDecision {
    const i = judgement.index;
    return toRateLimitDecision(this.#policy, this.names[i] as string, judgement.keys[i] as string, judgement.decision);
  }

  /** The judgement's decisions, named. */
  named(judgement: Judgement): RateLimitDecision[] {
    return judgement.decisions.map((decision: Decision, i) => toRateLimitDecision(this.#policy, this.names[i] as string, judgement.keys[i] as string, decision));
  }
}

const identity = <T>(value: T): T => value;

function toSpec(id: string, limit: ResolvedLimit): LimitSpec {
  switch (limit.algorithm) {
    case 'token-bucket':
      return { id, algorithm: 'token-bucket', capacity: limit.capacity, refillRate: limit.refillRate, refillIntervalMs: limit.refillInterval };
    case 'gcra':
      return { id, algorithm: 'gcra', limit: limit.limit, periodMs: limit.period, burst: limit.burst };
    case 'sliding-window':
      return { id, algorithm: 'sliding-window', limit: limit.limit, windowMs: limit.window };
    case 'fixed-window':
      return { id, algorithm: 'fixed-window', limit: limit.limit, windowMs: limit.window };
  }
}
