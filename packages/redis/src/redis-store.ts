import { type BreakerBinding, type BreakerStateHandle, type BreakerStateStore, type Decision, type LimitSpec, limitOf, type Store } from '@breakwater/core';
import { BlockedCache } from './blocked-cache.js';
import { SharedBreakerState } from './breaker/shared-breaker-state.js';
import { BreakerSubscriber } from './breaker/subscriber.js';
import { keyHead, stateKey } from './keys.js';
import { isCluster, offlineQueueWarning, type RedisClient } from './redis-client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions, type ResolvedRedisStoreOptions } from './redis-store-options.js';
import { type BatchSpec, DecisionBatch } from './decision-batch.js';
import { bulk, type Frame, frameOf } from './script-call.js';
import { type Decoder, type Reply, ScriptRunner } from './script-runner.js';
import { algorithmTags, batchScript, type LuaScript, maxBatchedCost, scriptOf, specParams } from './scripts/scripts.js';
import { decisionOf } from './decision-reply.js';

/** What a single-key decision needs of its spec, encoded once per spec object (and, as a {@link BatchSpec}, a batched one). */
interface EncodedSpec extends BatchSpec {
  readonly script: LuaScript;
  /** `<prefix>:<escaped spec id>:{`: the state key is this, the client key and `}`. */
  readonly head: string;
  /** The spec's three numbers as script arguments. */
  readonly params: readonly [string, string, string];
  /** The call's encoding around its key for cost 1 on Redis time: the arguments never change then. */
  readonly frame: Frame;
}

/**
 * A {@link Store} in Redis, shared by every instance of an app: each decision is one Lua script run
 * by `EVALSHA` (one round trip), with the same integer arithmetic as the memory store. Keys are
 * `<prefix>:<limit id>:{<key>}` and every key has a TTL. Time comes from Redis `TIME` unless
 * `clock: 'client'`. A call that Redis does not answer within `commandTimeout` (or while the
 * connection is down) rejects with `StoreUnavailableError`; the policy's `onStoreError` decides
 * what happens then. Refusals with nothing left are remembered locally until they run out.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { rateLimit } from '@breakwater/core';
 * import { RedisStore } from '@breakwater/redis';
 *
 * const client = new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const store = new RedisStore({ client, prefix: 'myapp' });
 * const limiter = rateLimit({ name: 'api', store, onStoreError: 'local', limits: [{ name: 'per-ip', key: (req) => req.ip, capacity: 100, refillRate: 10, refillInterval: '1s' }] });
 * ```
 */
export class RedisStore implements Store, BreakerStateStore {
  readonly shared = true;
  readonly options: ResolvedRedisStoreOptions;
  /** Why the client's configuration may queue commands without bound, if it may (see docs/redis.md). */
  readonly warning: string | undefined;
  readonly #runner: ScriptRunner;
  readonly #blocked: BlockedCache;
  readonly #clientClock: boolean;
  readonly #cluster: boolean;
  /** Set with `batchDecisions` on a single node or Sentinel: the decisions of a turn go as one call. */
  readonly #batch: DecisionBatch | undefined;
  #subscriber: BreakerSubscriber | undefined;
  readonly #breakers = new Set<SharedBreakerState>();
  /** Per spec object: its script, key head and arguments (specs are built once per policy and reused). */
  readonly #encoded = new WeakMap<LimitSpec, EncodedSpec>();
  /** Remembers a refusal of state key `id` in the blocked-key cache. */
  readonly #noteRefusal = (decision: Decision, id: string, cost: number, at: number): void => {
    if (!decision.allowed) this.#blocked.remember(id, cost, at, decision);
  };
  /** A consume's reply to a decision; a refusal is remembered in the blocked-key cache. */
  readonly #decided: Decoder<Decision> = (reply, call) => {
    const decision = oneDecision(reply, call);
    this.#noteRefusal(decision, call.key, call.cost, call.at);
    return decision;
  };

  constructor(options: RedisStoreOptions) {
    this.options = resolveRedisStoreOptions(options);
    const { client, timers, commandTimeoutMs, maxInFlight, blockedCacheSize, autoPipelining } = this.options;
    this.#cluster = isCluster(client);
    // A Cluster has a connection per node and no socket of its own: its calls are written one by one.
    this.#runner = new ScriptRunner(client, timers, commandTimeoutMs, maxInFlight, autoPipelining && !this.#cluster);
    this.#blocked = new BlockedCache(blockedCacheSize);
    this.#clientClock = this.options.clock === 'client';
    this.warning = offlineQueueWarning(client);
    // A batch's keys lie in many slots, which one script on a Cluster cannot touch.
    this.#batch = this.options.batchDecisions && !this.#cluster ? new DecisionBatch(this.#runner, maxInFlight, this.#noteRefusal) : undefined;
  }

  /** The ioredis client. */
  get client(): RedisClient {
    return this.options.client;
  }

  consume(spec: LimitSpec, key: string, cost: number, now: number): Decision | Promise<Decision> {
    const encoded = this.#encode(spec);
    const id = `${encoded.head}${key}}`;
    // One clock read serves the command deadline and the blocked-key cache.
    const timersNow = this.options.timers.now();
    const local = this.#localNow(now, timersNow);
    if (this.#blocked.size !== 0) {
      const cached = this.#blocked.get(id, cost, local);
      if (cached !== undefined) return cached;
    }
    if (this.#batch !== undefined) {
      if (cost <= maxBatchedCost) return this.#batch.add(encoded, id, cost, this.#clientClock ? String(local) : '', local, timersNow);
      // A cost too big for a batch's code goes on its own, after the decisions asked before it.
      this.#batch.flush();
    }
    const { script, params, limit } = encoded;
    if (cost === 1 && !this.#clientClock) {
      return this.#runner.run(script, [script.sha, '1', id, params[0], params[1], params[2]], timersNow, this.#decided, id, 1, local, limit, encoded.frame);
    }
    const args = [script.sha, '1', id, params[0], params[1], params[2], String(cost)];
    if (this.#clientClock) args.push(String(local));
    return this.#runner.run(script, args, timersNow, this.#decided, id, cost, local, limit);
  }

  consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<readonly Decision[]> {
    if (specs.length !== keys.length) return Promise.reject(new TypeError(`consumeAll: ${specs.length} specs but ${keys.length} keys`));
    if (this.#cluster && keys.some((key) => key !== keys[0])) return this.#consumeAcrossSlots(specs, keys, cost, now);
    const timersNow = this.options.timers.now();
    const local = this.#localNow(now, timersNow);
    const args = [this.#clientClock ? String(local) : '', String(cost)];
    for (const spec of specs) args.push(algorithmTags[spec.algorithm], ...specParams(spec).map(String));
    const ids = specs.map((spec, i) => stateKey(this.options.prefix, spec.id, keys[i] as string));
    const decode = (reply: Reply) => specs.map((spec, i) => decisionOf(reply, 4 * i, limitOf(spec), local));
    return this.#runner.run(batchScript, ScriptRunner.argsOf(batchScript, ids, args), timersNow, decode);
  }

  async peek(spec: LimitSpec, key: string, now: number): Promise<Decision> {
    const { script, params, limit } = this.#encode(spec);
    const timersNow = this.options.timers.now();
    const local = this.#localNow(now, timersNow);
    const rest = [...params, 'p'];
    if (this.#clientClock) rest.push(String(local));
    const args = ScriptRunner.argsOf(script, [stateKey(this.options.prefix, spec.id, key)], rest);
    return this.#runner.run(script, args, timersNow, oneDecision, '', 0, local, limit);
  }

  async reset(spec: LimitSpec, key: string): Promise<void> {
    const id = stateKey(this.options.prefix, spec.id, key);
    this.#blocked.delete(id);
    await this.options.client.del(id);
  }

  /**
   * Shares a circuit breaker's state through Redis: called by `circuitBreaker({ store })`, not by
   * users. Every instance binding a breaker of the same name (and prefix) sees one breaker. The store
   * opens one pub/sub connection (`client.duplicate()`) for all its breakers, closed with the last
   * breaker or by {@link RedisStore.close}.
   */
  bindBreaker(binding: BreakerBinding): BreakerStateHandle {
    this.#subscriber ??= new BreakerSubscriber(this.options.client);
    const handle = new SharedBreakerState(binding, {
      runner: this.#runner,
      subscriber: this.#subscriber,
      prefix: this.options.prefix,
      clientClock: this.#clientClock,
      options: this.options.breaker,
      onClose: (closed) => this.#breakers.delete(closed),
    });
    this.#breakers.add(handle);
    return handle;
  }

  /**
   * Sends every breaker's waiting outcomes, reads each breaker's shared state again, and resolves
   * once none of their scripts waits for Redis: before a graceful shutdown, or to read snapshots
   * that are current to the millisecond (they are otherwise at most `refreshInterval` old).
   */
  async syncBreakers(): Promise<void> {
    await Promise.all([...this.#breakers].map((handle) => handle.sync()));
  }

  /** Whether a breaker of this store decides on its own (Redis unreachable), by breaker name. */
  breakerStatus(): Record<string, 'shared' | 'local'> {
    const status: Record<string, 'shared' | 'local'> = {};
    for (const handle of this.#breakers) status[handle.name] = handle.local ? 'local' : 'shared';
    return status;
  }

  /** Forgets the local blocked-key cache and closes the breakers' pub/sub connection. The client stays open: it is the caller's. */
  close(): void {
    this.#blocked.clear();
    for (const handle of [...this.#breakers]) handle.close();
    this.#subscriber?.close();
    this.#subscriber = undefined;
  }

  /**
   * On a cluster, limits on different client keys live in different slots and cannot share a script:
   * they are charged one after another, and when one refuses, the ones already charged keep their
   * charge (the store may under-admit then, never over-admit). Documented in docs/redis.md.
   */
  async #consumeAcrossSlots(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<readonly Decision[]> {
    const decisions: Decision[] = [];
    let refused = false;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i] as LimitSpec;
      const key = keys[i] as string;
      const decision: Decision = await (refused ? this.consume(spec, key, 0, now) : this.consume(spec, key, cost, now));
      refused ||= !decision.allowed;
      decisions.push(decision);
    }
    return decisions;
  }

  #encode(spec: LimitSpec): EncodedSpec {
    let encoded = this.#encoded.get(spec);
    if (encoded === undefined) {
      const script = scriptOf[spec.algorithm];
      const params = specParams(spec).map(String) as [string, string, string];
      const limit = limitOf(spec);
      const batchArgs = [algorithmTags[spec.algorithm], ...params] as const;
      encoded = { script, head: keyHead(this.options.prefix, spec.id), params, limit, frame: frameOf(script.sha, params), batchArgs, batchWire: batchArgs.map(bulk).join('') };
      this.#encoded.set(spec, encoded);
    }
    return encoded;
  }

  /**
   * The instant a decision is made at, on the caller's side: the policy's `now` in client-clock mode,
   * else the store's timers (the script replies relative to Redis `TIME`, and `resetAt` is put on this clock).
   */
  #localNow(now: number, timersNow: number): number {
    return this.#clientClock ? Math.floor(now) : timersNow;
  }
}

/** A single-key script's reply, with the call's limit and instant. */
const oneDecision: Decoder<Decision> = (reply, call) => decisionOf(reply, 0, call.limit, call.at);
