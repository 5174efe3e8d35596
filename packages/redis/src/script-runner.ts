import { type Clock, StoreUnavailableError, type TimerHandle } from '@breakwater/core';
import type { Command } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { type CallOwner, type Decoder, type Frame, ScriptCall } from './script-call.js';
import type { LuaScript } from './scripts/scripts.js';
import { type BatchedClient, WriteBatch } from './write-batch.js';

export type { Decoder, Reply } from './script-call.js';

/**
 * Runs scripts by `EVALSHA` (and once by `EVAL` after `NOSCRIPT`, see {@link ScriptCall}). Each call
 * has a deadline of `commandTimeoutMs`; past it the call rejects with {@link StoreUnavailableError}
 * (the command's late reply is dropped). While the connection is not ready, calls fail at once
 * without queueing.
 *
 * A call is one ioredis command, built here and handed to the client's `sendCommand` (what ioredis's
 * own `evalsha()` does, minus its argument juggling), whose own promise resolves to the decoded
 * reply: no wrapper promise, no closure per call. The deadline rejects that promise as ioredis's
 * `commandTimeout` would, but from one timer shared by all calls instead of one per command. Script
 * calls therefore bypass ioredis auto-pipelining, which made them slower (docs/benchmarks.md).
 */
export class ScriptRunner implements CallOwner {
  readonly #client: RedisClient;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #options: ConstructorParameters<typeof Command>[2];
  /** Calls waiting for a reply, bounded so that a frozen server cannot make the process queue without end. */
  #inFlight = 0;
  readonly #maxInFlight: number;
  /**
   * Calls by deadline (oldest first) from `#head` on. A call's slot is cleared as soon as it settles,
   * so that a decision's objects die young (kept until the timer, they were promoted to the old
   * generation: several thousand instructions of garbage collection per decision).
   */
  readonly #calls: (ScriptCall<unknown> | undefined)[] = [];
  readonly #deadlines: number[] = [];
  #head = 0;
  /** How many slots have been dropped from the front of `#calls`: a call's slot is `seq - #base`. */
  #base = 0;
  #timer: TimerHandle | undefined;
  /** Set when the calls of one turn share one socket write (`autoPipelining`, single node and Sentinel). */
  readonly #writes: WriteBatch | undefined;

  /** `autoPipelining` needs a client with a socket of its own: a single node or Sentinel, not a Cluster. */
  constructor(client: RedisClient, clock: Clock, commandTimeoutMs: number, maxInFlight: number, autoPipelining = false) {
    this.#client = client;
    this.#writes = autoPipelining ? new WriteBatch(client as BatchedClient) : undefined;
    this.#clock = clock;
    this.#timeoutMs = commandTimeoutMs;
    this.#maxInFlight = maxInFlight;
    // What ioredis's own command methods pass: string replies and the client's key prefix, if any.
    const keyPrefix = (client.options as { keyPrefix?: string }).keyPrefix;
    this.#options = Object.freeze(keyPrefix === undefined ? { replyEncoding: 'utf8' } : { replyEncoding: 'utf8', keyPrefix });
  }

  /**
   * Runs `script` with `args`, the `EVALSHA` argument list (`script.sha`, the key count, the keys, the
   * arguments, all strings), and resolves to `decode(reply, call)`, where the call carries `key`,
   * `cost`, `at` and `limit` for the decoder; rejects with {@link StoreUnavailableError}. `now` is the
   * clock's current time (the caller has read it already), from which the deadline runs. A `frame`
   * writes the call (its `args` must then be `[sha, keyCount, ...keys, ...the frame's arguments]`).
   * A call carrying several decisions (a batch) counts `weight` of them against `maxInFlight`.
   */
  run<T>(script: LuaScript, args: string[], now: number, decode: Decoder<T>, key = '', cost = 0, at = 0, limit = 0, frame?: Frame, weight = 1): Promise<T> {
    const status = this.#client.status;
    if (status !== 'ready') return Promise.reject(new StoreUnavailableError(`redis connection is ${status}`));
    if (this.#inFlight + weight > this.#maxInFlight) return Promise.reject(new StoreUnavailableError(`${this.#inFlight} redis calls already waiting`));
    this.#inFlight += weight;
    const call = new ScriptCall<T>(this, script, args, this.#options, decode, key, cost, at, limit, frame, this.#base + this.#calls.length, weight);
    this.#calls.push(call as ScriptCall<unknown>);
    this.#deadlines.push(now + this.#timeoutMs);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    this.send(call);
    return call.promise as Promise<T>;
  }

  /** The runner's own time (the store's `timers`), from which every call's deadline runs. */
  now(): number {
    return this.#clock.now();
  }

  /** `args` for {@link run}: the script's SHA, the key count, the keys, then `rest`. */
  static argsOf(script: LuaScript, keys: readonly string[], rest: readonly string[]): string[] {
    return [script.sha, String(keys.length), ...keys, ...rest];
  }

  /** @internal */
  settled(call: ScriptCall<unknown>): void {
    this.#inFlight -= call.weight;
    const slot = call.seq - this.#base;
    if (slot >= this.#head && slot < this.#calls.length) this.#calls[slot] = undefined;
  }

  /** @internal */
  send(command: Command): void {
    if (this.#writes !== undefined) this.#writes.add(command);
    else void this.#client.sendCommand(command);
  }

  /**
   * Writes the calls that `autoPipelining` holds for the end of this turn now: for a call made in
   * the check phase already (a decision batch's), which would otherwise wait for the next turn.
   */
  flushWrites(): void {
    this.#writes?.flush();
  }

  /**
   * Every call has the same timeout, so deadlines arrive in call order: one timer, armed for the
   * oldest call still waiting, serves them all (no timer per decision).
   */
  #arm(delayMs: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#expire(), delayMs);
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const calls = this.#calls;
    const deadlines = this.#deadlines;
    let head = this.#head;
    let expired: ScriptCall<unknown>[] | undefined;
    while (head < calls.length) {
      const call = calls[head];
      if (call !== undefined) {
        if ((deadlines[head] as number) > now) break;
        (expired ??= []).push(call);
        calls[head] = undefined;
      }
      head++;
    }
    if (expired !== undefined) this.#failAfterPendingReplies(expired);
    if (head === calls.length) {
      this.#base += head;
      calls.length = 0;
      deadlines.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > calls.length) {
      this.#base += head;
      calls.splice(0, head);
      deadlines.splice(0, head);
      head = 0;
    }
    this.#head = head;
    if (head < calls.length) this.#arm(Math.max(1, (deadlines[head] as number) - now));
  }

  /**
   * Timers run before I/O in each turn of the event loop, so when the loop was blocked (a CPU-bound
   * handler, a starved machine) a deadline can fire while the reply already sits in the socket. One
   * turn of grace lets the poll phase deliver such replies first; only calls still unanswered then
   * fail (`fail()` ignores a call that settled meanwhile). This adds about 1 ms to a real timeout
   * and nothing to a call that is answered.
   */
  #failAfterPendingReplies(expired: readonly ScriptCall<unknown>[]): void {
    this.#clock.setTimeout(() => {
      for (const call of expired) call.fail(new StoreUnavailableError(`redis did not answer within ${this.#timeoutMs} ms`));
    }, 0);
  }
}
