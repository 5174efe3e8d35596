import { StoreUnavailableError } from '@breakwater/core';
import { Command } from 'ioredis';
import type { LuaScript } from './scripts/scripts.js';

/** A script's reply: one integer (a compact decision), or an array of integers (and strings, from a script that returns them). */
export type Reply = number | (number | string)[];

/**
 * The RESP encoding of a call around its keys, built once per script and spec (or once per batch of
 * decisions): a call with a frame is written as `before`, each key, `after` instead of by ioredis's
 * `toWritable`, which encodes every argument on every call (about 1,800 client instructions each,
 * docs/benchmarks.md). Build it with {@link frameOf}.
 */
export interface Frame {
  readonly before: string;
  readonly after: string;
}

/** The {@link Frame} of `EVALSHA <sha> 1 <key> ...rest`. */
export function frameOf(sha: string, rest: readonly string[]): Frame {
  return Object.freeze(keysFrameOf(sha, 1, rest.length, rest.map(bulk).join('')));
}

/**
 * The {@link Frame} of `EVALSHA <sha> <keyCount> ...keys <after>`, where `after` is already encoded
 * and holds `argCount` arguments.
 */
export function keysFrameOf(sha: string, keyCount: number, argCount: number, after: string): Frame {
  return { before: `*${3 + keyCount + argCount}\r\n$7\r\nevalsha\r\n${bulk(sha)}${bulk(String(keyCount))}`, after };
}

/** One RESP bulk string. */
export function bulk(value: string): string {
  return `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
}

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
  /** The state key, the cost, the local instant and the spec's limit of a decision, for its decoder. */
  readonly key: string;
  readonly cost: number;
  readonly at: number;
  readonly limit: number;
  /** How the call is written, when its arguments are `[sha, keyCount, ...keys, ...frame's arguments]`. */
  readonly #frame: Frame | undefined;
  /** The call's number, in the order the runner sent its calls. */
  readonly seq: number;
  /** How many decisions the call carries (a batch carries several): what it counts against `maxInFlight`. */
  readonly weight: number;

  constructor(owner: CallOwner, script: LuaScript, args: string[], options: ConstructorParameters<typeof Command>[2], decode: Decoder<T>, key: string, cost: number, at: number, limit: number, frame: Frame | undefined, seq: number, weight: number) {
    super('evalsha', args, options);
    this.seq = seq;
    this.weight = weight;
    this.#owner = owner;
    this.#script = script;
    this.#decode = decode;
    this.key = key;
    this.cost = cost;
    this.at = at;
    this.limit = limit;
    this.#frame = frame;
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

  /** The command in RESP: from its {@link Frame} when it has one (the keys are `args[2..]`, after any key prefix). */
  override toWritable(socket: object): string | Buffer {
    const frame = this.#frame;
    if (frame === undefined) return super.toWritable(socket);
    const args = this.args;
    const keyCount = args[1] === '1' ? 1 : Number(args[1]);
    let wire = frame.before;
    for (let i = 2; i < 2 + keyCount; i++) {
      const key = args[i];
      if (typeof key !== 'string') return super.toWritable(socket);
      wire += bulk(key);
    }
    return wire + frame.after;
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
