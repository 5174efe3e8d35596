import type { Decision } from '../../store/decision.js';
import type { LimitSpec } from '../../store/limit-spec.js';
import type { Store } from '../../store/store.js';
import type { ManualClock } from '../manual-clock.js';

/** What every conformance case receives. */
export interface ConformanceContext {
  readonly store: Store;
  readonly clock: ManualClock;
  /** The suite's start instant (epoch ms, aligned to a day). */
  readonly start: number;
  /** Concurrent calls fired in the concurrency cases. */
  readonly concurrency: number;
  /** Moves the clock to `start + ms` (never back) and returns that instant. */
  at(ms: number): number;
  consume(spec: LimitSpec, key: string, cost: number, atMs: number): Promise<Decision>;
  peek(spec: LimitSpec, key: string, atMs: number): Promise<Decision>;
}

/** One named check of the store contract; throws (through `assertThat`) when the store breaks it. */
export interface StoreConformanceCase {
  readonly name: string;
  run(context: ConformanceContext): Promise<void>;
}

/** Builds the context for one case. */
export function conformanceContext(store: Store, clock: ManualClock, start: number, concurrency: number): ConformanceContext {
  const at = (ms: number): number => {
    const time = start + ms;
    if (time > clock.now()) clock.set(time);
    return time;
  };
  return {
    store,
    clock,
    start,
    concurrency,
    at,
    consume: async (spec, key, cost, atMs) => store.consume(spec, key, cost, at(atMs)),
    peek: async (spec, key, atMs) => store.peek(spec, key, at(atMs)),
  };
}

/** A decision as a tuple, with `resetAt` relative to `start`, for compact exact comparisons. */
export function tuple(decision: Decision, start: number): [boolean, number, number, number, number] {
  return [decision.allowed, decision.limit, decision.remaining, decision.resetAt - start, decision.retryAfterMs];
}

/** A small seeded generator (mulberry32), so that a random walk is the same for every store. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
