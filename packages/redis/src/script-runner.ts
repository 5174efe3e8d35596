import { type Clock, StoreUnavailableError, type TimerHandle } from '@breakwater/core';
import { Command } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { LuaScript } from './scripts/scripts.js';

/** A script's reply: integers (and strings, from a script that returns them). */
export type Reply = (number | string)[];

/**
 * Runs scripts by `EVALSHA`, sending the source once (`EVAL`, which also caches it) when Redis answers
 * `NOSCRIPT` (after `SCRIPT FLUSH`, a restart or a failover). Each call has a deadline of
 * `commandTimeoutMs`; past it the call rejects with {@link StoreUnavailableError} (the command's late
 * reply is dropped). While the connection is not ready, calls fail at once without queueing.
 *
 * The hot path costs one ioredis command and one `then`: the command is built here and handed to the
 * client's `sendCommand` (what ioredis's own `evalsha()` does, minus its argument juggling), and a
 * deadline rejects the command's own promise, as ioredis's `commandTimeout` does, but from one shared
 * timer instead of one timer per command. Scripts therefore bypass ioredis auto-pipelining, which made
 * script calls slower (docs/benchmarks.md).
 */
export class ScriptRunner {
  readonly #client: RedisClient;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #options: ConstructorParameters<typeof Command>[2];
  /** Calls waiting for a reply, bounded so that a frozen server cannot make the process queue without end. */
  #inFlight = 0;
  readonly #maxInFlight: number;
  /** Commands by deadline (oldest first) from `#head` on; settled ones are skipped when the timer fires. */
  readonly #commands: Command[] = [];
  readonly #deadlines: number[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;

  constructor(client: RedisClient, clock: Clock, commandTimeoutMs: number, maxInFlight: number) {
    this.#client = client;
    this.#clock = clock;
    this.#timeoutMs = commandTimeoutMs;
    this.#maxInFlight = maxInFlight;
    // What ioredis's own command methods pass: string replies and the client's key prefix, if any.
    const keyPrefix = (client.options as { keyPrefix?: string }).keyPrefix;
    this.#options = Object.freeze(keyPrefix === undefined ? { replyEncoding: 'utf8' } : { replyEncoding: 'utf8', keyPrefix });
  }

  /**
   * Runs `script` with `args`, the `EVALSHA` argument list (`script.sha`, the key count, the keys, the
   * arguments, all strings), and resolves to `decode(reply)`; rejects with {@link StoreUnavailableError}.
   * `now` is the clock's current time (the caller has read it already), from which the deadline runs.
   */
  run<T>(script: LuaScript, args: string[], now: number, decode: (reply: Reply) => T): Promise<T> {
    const status = this.#client.status;
    if (status !== 'ready') return Promise.reject(new StoreUnavailableError(`redis connection is ${status}`));
    if (this.#inFlight >= this.#maxInFlight) return Promise.reject(new StoreUnavailableError(`${this.#inFlight} redis calls already waiting`));
    this.#inFlight++;
    const deadline = now + this.#timeoutMs;
    return this.#send('evalsha', args, deadline).then(
      (reply) => {
        this.#inFlight--;
        return decode(reply);
      },
      (error: unknown) => this.#recover(error, script, args, deadline, decode),
    );
  }

  /** `args` for {@link run}: the script's SHA, the key count, the keys, then `rest`. */
  static argsOf(script: LuaScript, keys: readonly string[], rest: readonly string[]): string[] {
    return [script.sha, String(keys.length), ...keys, ...rest];
  }

  #send(name: 'evalsha' | 'eval', args: string[], deadline: number): Promise<Reply> {
    const command = new Command(name, args, this.#options);
    this.#commands.push(command);
    this.#deadlines.push(deadline);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    void this.#client.sendCommand(command);
    return command.promise as Promise<Reply>;
  }

  /** NOSCRIPT (after SCRIPT FLUSH, a restart, a failover): send the source once; EVAL caches it. */
  #recover<T>(error: unknown, script: LuaScript, args: string[], deadline: number, decode: (reply: Reply) => T): Promise<T> {
    if (!(error instanceof StoreUnavailableError) && messageOf(error).startsWith('NOSCRIPT')) {
      const source = [script.source, ...args.slice(1)];
      return this.#send('eval', source, deadline).then(
        (reply) => {
          this.#inFlight--;
          return decode(reply);
        },
        (retryError: unknown) => this.#fail(retryError),
      );
    }
    return this.#fail(error);
  }

  #fail(error: unknown): Promise<never> {
    this.#inFlight--;
    return Promise.reject(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(messageOf(error), { cause: error }));
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
    const commands = this.#commands;
    const deadlines = this.#deadlines;
    let head = this.#head;
    while (head < commands.length) {
      const command = commands[head] as Command;
      if (!command.isResolved) {
        if ((deadlines[head] as number) > now) break;
        // A no-op for a command that already failed: its promise is settled.
        command.reject(new StoreUnavailableError(`redis did not answer within ${this.#timeoutMs} ms`));
      }
      commands[head] = undefined as unknown as Command;
      head++;
    }
    if (head === commands.length) {
      commands.length = 0;
      deadlines.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > commands.length) {
      commands.splice(0, head);
      deadlines.splice(0, head);
      head = 0;
    }
    this.#head = head;
    if (head < commands.length) this.#arm(Math.max(1, (deadlines[head] as number) - now));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
