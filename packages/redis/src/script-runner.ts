import { type Clock, StoreUnavailableError, type TimerHandle } from '@breakwater/core';
import type { RedisClient } from './redis-client.js';
import type { LuaScript } from './scripts/scripts.js';

type Reply = (number | string)[];

interface Pending {
  readonly deadline: number;
  done: boolean;
  readonly reject: (error: StoreUnavailableError) => void;
}
type Evaluator = (sha: string, numKeys: number, ...args: string[]) => Promise<unknown>;

/**
 * Runs scripts by `EVALSHA`, sending the source once (`EVAL`, which also caches it) when Redis answers
 * `NOSCRIPT` (after `SCRIPT FLUSH`, a restart or a failover). Each call has a deadline of
 * `commandTimeoutMs`; past it the call rejects with {@link StoreUnavailableError} (the command's late
 * reply is dropped). While the connection is not ready, calls fail at once without queueing.
 */
export class ScriptRunner {
  readonly #client: RedisClient;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #evalsha: Evaluator;
  readonly #eval: Evaluator;
  /** Calls waiting for a reply, bounded so that a frozen server cannot make the process queue without end. */
  #inFlight = 0;
  readonly #maxInFlight: number;
  /** Calls by deadline (oldest first) from `#head` on; settled ones are skipped when the timer fires. */
  readonly #deadlines: Pending[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;

  constructor(client: RedisClient, clock: Clock, commandTimeoutMs: number, maxInFlight: number) {
    this.#client = client;
    this.#clock = clock;
    this.#timeoutMs = commandTimeoutMs;
    this.#maxInFlight = maxInFlight;
    const untyped = client as unknown as { evalsha: Evaluator; eval: Evaluator };
    this.#evalsha = untyped.evalsha.bind(client);
    this.#eval = untyped.eval.bind(client);
  }

  /** Runs `script` with `keys` and `args`; resolves to its reply, or rejects with {@link StoreUnavailableError}. */
  run(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<Reply> {
    const status = this.#client.status;
    if (status !== 'ready') return Promise.reject(new StoreUnavailableError(`redis connection is ${status}`));
    if (this.#inFlight >= this.#maxInFlight) return Promise.reject(new StoreUnavailableError(`${this.#inFlight} redis calls already waiting`));
    this.#inFlight++;
    return new Promise<Reply>((resolve, reject) => {
      const call: Pending = { deadline: this.#clock.now() + this.#timeoutMs, done: false, reject };
      this.#deadlines.push(call);
      if (this.#timer === undefined) this.#arm(this.#timeoutMs);
      const settle = (reply: Reply): void => {
        this.#inFlight--;
        if (call.done) return;
        call.done = true;
        resolve(reply);
      };
      const fail = (error: unknown): void => {
        this.#inFlight--;
        if (call.done) return;
        call.done = true;
        reject(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(messageOf(error), { cause: error }));
      };
      const argv = keys.length === 1 ? [keys[0] as string, ...args] : [...keys, ...args];
      (this.#evalsha(script.sha, keys.length, ...argv) as Promise<Reply>).then(settle, (error: unknown) => {
        // NOSCRIPT (after SCRIPT FLUSH, a restart, a failover): send the source once; EVAL caches it.
        if (messageOf(error).startsWith('NOSCRIPT')) (this.#eval(script.source, keys.length, ...argv) as Promise<Reply>).then(settle, fail);
        else fail(error);
      });
    });
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
    const queue = this.#deadlines;
    let head = this.#head;
    let expired: Pending[] | undefined;
    while (head < queue.length) {
      const call = queue[head] as Pending;
      if (!call.done) {
        if (call.deadline > now) break;
        (expired ??= []).push(call);
      }
      head++;
    }
    if (expired !== undefined) this.#rejectAfterPendingReplies(expired);
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.#head = head;
    if (head < queue.length) this.#arm(Math.max(1, (queue[head] as Pending).deadline - now));
  }

  /**
   * Timers run before I/O in each turn of the event loop, so when the loop was blocked (a CPU-bound
   * handler, a starved machine) a deadline can fire while the reply already sits in the socket. One
   * turn of grace lets the poll phase deliver such replies first; only calls still unanswered then
   * are failed. This adds about 1 ms to a real timeout and no cost to a call that is answered.
   */
  #rejectAfterPendingReplies(expired: readonly Pending[]): void {
    this.#clock.setTimeout(() => {
      for (const call of expired) {
        if (call.done) continue;
        call.done = true;
        call.reject(new StoreUnavailableError(`redis did not answer within ${this.#timeoutMs} ms`));
      }
    }, 0);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
