import { StoreUnavailableError } from '@breakwater/core';
import { Command } from 'ioredis';
import type { LuaScript } from './scripts/scripts.js';

/** A script's reply: integers (and strings, from a script that returns them). */
export type Reply = (number | string)[];

/** Turns a script's reply into what the call resolves to; one function per store, not per call. */
export type Decoder<T> = (reply: Reply, call: ScriptCall<T>) => T;

/** What a {@link ScriptCall} reports to the runner that sent it. */
export interface CallOwner {
  /** The call settled (once): a reply, a failure or its deadline. */
  settled(call: ScriptCall<unknown>): void;
  /** Sends `command` on the client (a NOSCRIPT retry). */
  send(command: Command): void;
}

const replyOptions = Object.freeze({ replyEncoding: 'utf8' as const });

/**
 * One script call: an ioredis command (EVALSHA) whose own promise resolves to the decoded reply, so a
 * decision costs no promise beyond the one ioredis makes for every command. ioredis calls
 * `transformReply` on the reply and `reject` on a failure; both are taken over here:
 *
 * - a reply is decoded by the store's {@link Decoder} (with `key`, `cost` and `at`, the call's own
 *   figures, read from the call rather than captured in a closure);
 * - `NOSCRIPT` (after `SCRIPT FLUSH`, a restart, a failover) sends the source once with EVAL, which
 *   caches it again, and the call stays pending until that answers;
 * - any other failure, and the runner's deadline, reject with {@link StoreUnavailableError}.
 */
export class ScriptCall<T> extends Command {
  /** True once the call has resolved or rejected; a late reply or failure is then ignored. */
  settled = false;
  #retried = false;
  readonly #owner: CallOwner;
  readonly #script: LuaScript;
  readonly #decode: Decoder<T>;
  readonly #rejectPromise: (error: Error) => void;
  /** The state key, the cost and the local instant of a decision, for its decoder. */
  readonly key: string;
  readonly cost: number;
  readonly at: number;
  /** The call's number, in the order the runner sent its calls. */
  readonly seq: number;

  constructor(owner: CallOwner, script: LuaScript, args: string[], options: ConstructorParameters<typeof Command>[2], decode: Decoder<T>, key: string, cost: number, at: number, seq: number) {
    super('evalsha', args, options);
    this.seq = seq;
    this.#owner = owner;
    this.#script = script;
    this.#decode = decode;
    this.key = key;
    this.cost = cost;
    this.at = at;
    this.#rejectPromise = this.reject;
    // ioredis calls `command.reject(error)` as a method: one shared function, no closure per call.
    this.reject = rejectCall;
  }

  /** The reply, decoded (ioredis resolves the command's promise with what this returns). */
  override transformReply(result: Buffer | Buffer[]): string | string[] | Buffer | Buffer[] {
    const reply = super.transformReply(result) as unknown as Reply;
    if (this.settled) return reply as unknown as string[];
    this.settled = true;
    this.#owner.settled(this as ScriptCall<unknown>);
    // The promise resolves to the decoder's value; ioredis's typing only knows strings and buffers.
    return this.#decode(reply, this) as unknown as string;
  }

  /** Settles the call with a failure (see {@link rejectCall}). */
  fail(error: unknown): void {
    if (this.settled) return;
    if (!this.#retried && !(error instanceof StoreUnavailableError) && messageOf(error).startsWith('NOSCRIPT')) {
      this.#retried = true;
      // The keys in `args` already carry the client's key prefix: the retry must not add it again.
      const retry = new Command('eval', [this.#script.source, ...this.args.slice(1)], replyOptions);
      retry.promise.then(
        (reply: Buffer | Buffer[]) => this.resolve(reply),
        (retryError: unknown) => this.fail(retryError),
      );
      this.#owner.send(retry);
      return;
    }
    this.settled = true;
    this.#owner.settled(this as ScriptCall<unknown>);
    this.#rejectPromise(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(messageOf(error), { cause: error }));
  }
}

function rejectCall(this: ScriptCall<unknown>, error: Error): void {
  this.fail(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
