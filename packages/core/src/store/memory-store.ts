import { LocalBreakerState } from '../circuit-breaker/local-breaker-state.js';
import { parseOptions } from '../config/parse-options.js';
import type { Admit } from '../rate-limit/algorithms/admit.js';
import { admitOf, kernelOf } from '../rate-limit/algorithms/run-step.js';
import { type Kernel, StepOutput } from '../rate-limit/algorithms/step-output.js';
import type { BreakerBinding, BreakerStateHandle, BreakerStateStore } from './breaker-state-store.js';
import type { Decision } from './decision.js';
import { KeyTable } from './key-table.js';
import type { AlgorithmName, LimitSpec } from './limit-spec.js';
import { type MemoryStoreOptions, memoryStoreOptionsSchema, type ResolvedMemoryStoreOptions } from './memory-store-options.js';
import type { Store, StoreStats } from './store.js';

/** The keys of one `spec.id`, with the step of the algorithm that owns them (resolved once). */
interface KeySpace {
  readonly algorithm: AlgorithmName;
  readonly kernel: Kernel<LimitSpec>;
  /** The algorithm's admit-only step, if it has one: what a known key's admission runs. */
  readonly admit: Admit<LimitSpec> | undefined;
  readonly slots: Map<string, number>;
}

/**
 * The in-process {@link Store}: every decision is one synchronous step, which is what makes it
 * atomic. Bounded by `maxKeys` (least recently used keys are dropped first, and counted; a key used
 * again soon after it was last moved is not moved again, see `KeyTable`), with lazy
 * expiry from stored timestamps: no timer per key, so windows and periods of any length (months)
 * work. It also implements `BreakerStateStore`, so one store can hold every policy's state.
 *
 * @example
 * ```ts
 * import { MemoryStore, rateLimit } from '@breakwater/core';
 * const store = new MemoryStore({ maxKeys: 50_000 });
 * const limiter = rateLimit({ name: 'api', store, limits: [{ key: (req: Req) => req.ip, capacity: 20, refillRate: 10 }] });
 * ```
 */
export class MemoryStore implements Store, BreakerStateStore {
  readonly shared = false;
  readonly options: ResolvedMemoryStoreOptions;
  readonly #table: KeyTable;
  readonly #spaces = new Map<string, KeySpace>();
  /** The last spec asked about and its key space: most calls repeat the spec, and this skips a lookup. */
  #lastSpec: LimitSpec | undefined;
  #lastSpace: KeySpace | undefined;
  readonly #out = new StepOutput();
  readonly #outs: StepOutput[] = [];

  constructor(options?: MemoryStoreOptions) {
    this.options = parseOptions('memoryStore', memoryStoreOptionsSchema, options);
    this.#table = new KeyTable(this.options.maxKeys);
  }

  consume(spec: LimitSpec, key: string, cost: number, now: number): Decision {
    this.#decide(spec, key, cost, now);
    return this.#out.toDecision();
  }

  /**
   * Does what {@link MemoryStore.consume} does and returns only whether the cost was admitted,
   * building no decision object: for hot paths that need nothing else. A refused call changes no
   * state, so calling `consume` next returns the refusal's full decision.
   */
  tryConsume(spec: LimitSpec, key: string, cost: number, now: number): boolean {
    return this.tryAdmit(spec, key, cost, now) || this.#decide(spec, key, cost, now);
  }

  /**
   * The hot path's first try: charges `cost` (> 0) to a key the store already holds, through the
   * algorithm's admit-only step (token bucket, GCRA, fixed window), and returns `true`. `false` means
   * it decided nothing and changed nothing: a new key, a refusal, a zero cost or another algorithm.
   * Call {@link MemoryStore.consume} (or `tryConsume`) then. It is kept this small so that V8 inlines
   * it into a policy's `execute`.
   *
   * @example
   * ```ts
   * const decision = store.tryAdmit(spec, key, 1, now) ? undefined : store.consume(spec, key, 1, now);
   * ```
   */
  tryAdmit(spec: LimitSpec, key: string, cost: number, now: number): boolean {
    const space = this.#spaceOf(spec);
    const admit = space.admit;
    if (admit === undefined || !(cost > 0)) return false;
    const slot = space.slots.get(key);
    if (slot === undefined) return false;
    const time = Math.floor(now);
    const table = this.#table;
    if (!admit(spec, cost, time, table.state, table.expiresAt, slot)) return false;
    table.touch(slot);
    return true;
  }

  consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Decision[] {
    const time = Math.floor(now);
    const spaces = specs.map((spec) => this.#spaceOf(spec));
    const slots = spaces.map((space, i) => space.slots.get(keys[i] as string));
    // Promote first (now, not lazily), so that inserting one key of the batch can never evict another.
    for (const slot of slots) if (slot !== undefined) this.#table.promote(slot);
    while (this.#outs.length < specs.length) this.#outs.push(new StepOutput());
    let allowed = true;
    specs.forEach((spec, i) => {
      this.#step(spaces[i] as KeySpace, slots[i], spec, time, cost, this.#outs[i] as StepOutput);
      allowed &&= (this.#outs[i] as StepOutput).allowed;
    });
    return specs.map((spec, i) => {
      const out = this.#outs[i] as StepOutput;
      if (allowed && cost > 0) this.#commit(spaces[i] as KeySpace, slots[i], keys[i] as string, time, out);
      else if (!allowed && out.allowed) this.#step(spaces[i] as KeySpace, slots[i], spec, time, 0, out);
      return out.toDecision();
    });
  }

  peek(spec: LimitSpec, key: string, now: number): Decision {
    const time = Math.floor(now);
    const space = this.#spaceOf(spec);
    const slot = space.slots.get(key);
    const out = this.#out;
    this.#step(space, slot, spec, time, 1, out);
    const { allowed, retryAfterMs } = out;
    this.#step(space, slot, spec, time, 0, out);
    return { allowed, limit: out.limit, remaining: out.remaining, resetAt: out.resetAt, retryAfterMs };
  }

  reset(spec: LimitSpec, key: string): void {
    const slot = this.#spaces.get(spec.id)?.slots.get(key);
    if (slot !== undefined) this.#table.release(slot);
  }

  /** Keys held, the bound, and evictions so far. */
  stats(): StoreStats {
    return { keys: this.#table.size, maxKeys: this.#table.maxKeys, evictions: this.#table.evictions };
  }

  /** Forgets every key (the eviction count stays). */
  close(): void {
    this.#table.clear();
    this.#spaces.clear();
    this.#lastSpec = this.#lastSpace = undefined;
  }

  /** Breaker state lives in each breaker's own process memory, as with `memoryBreakerStateStore`. */
  bindBreaker(binding: BreakerBinding): BreakerStateHandle {
    return new LocalBreakerState(binding);
  }

  /** The key space of `spec.id`; a spec naming another algorithm than the space's starts it afresh. */
  #spaceOf(spec: LimitSpec): KeySpace {
    // The slow part apart, so that this check stays small enough to inline into every decision.
    return spec === this.#lastSpec ? (this.#lastSpace as KeySpace) : this.#lookUpSpace(spec);
  }

  #lookUpSpace(spec: LimitSpec): KeySpace {
    let space = this.#spaces.get(spec.id);
    if (space === undefined || space.algorithm !== spec.algorithm) {
      if (space !== undefined) for (const slot of [...space.slots.values()]) this.#table.release(slot);
      space = { algorithm: spec.algorithm, kernel: kernelOf(spec.algorithm), admit: admitOf(spec.algorithm), slots: new Map() };
      this.#spaces.set(spec.id, space);
    }
    this.#lastSpec = spec;
    this.#lastSpace = space;
    return space;
  }

  /** The full step: the decision's figures in `#out`, the key's new state in the table. */
  #decide(spec: LimitSpec, key: string, cost: number, now: number): boolean {
    const time = Math.floor(now);
    const space = this.#spaceOf(spec);
    const slot = space.slots.get(key);
    const out = this.#out;
    this.#step(space, slot, spec, time, cost, out);
    if (out.allowed && cost > 0) this.#commit(space, slot, key, time, out);
    else if (slot !== undefined) this.#table.touch(slot); // a decision is a use, a refusal included
    return out.allowed;
  }

  #step(space: KeySpace, slot: number | undefined, spec: LimitSpec, now: number, cost: number, out: StepOutput): void {
    const table = this.#table;
    if (slot !== undefined && (table.expiresAt[slot] as number) > now) {
      const state = table.state;
      const at = slot * 3;
      out.s0 = state[at] as number;
      out.s1 = state[at + 1] as number;
      out.s2 = state[at + 2] as number;
    } else {
      out.s0 = out.s1 = out.s2 = 0;
    }
    out.now = now;
    space.kernel(spec, cost, out);
  }

  #commit(space: KeySpace, slot: number | undefined, key: string, now: number, out: StepOutput): void {
    const target = slot ?? this.#table.insert(space.slots, key, now);
    this.#table.write(target, out.s0, out.s1, out.s2, out.resetAt);
  }
}

/**
 * Builds a {@link MemoryStore}.
 *
 * @example
 * ```ts
 * const store = memoryStore({ maxKeys: 10_000 });
 * ```
 */
export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
