import type { Decision } from '@breakwater/core';
import { decisionOf } from './decision-reply.js';
import { EndOfTurn } from './end-of-turn.js';
import { bulk, keysFrameOf, type Reply } from './script-call.js';
import { ScriptRunner } from './script-runner.js';
import { manyLimit, manyScript } from './scripts/scripts.js';

/** What a decision of a batch needs of its spec, encoded once per spec. */
export interface BatchSpec {
  /** The algorithm's tag and the spec's three numbers, as script arguments (sent once per batch). */
  readonly batchArgs: readonly [string, string, string, string];
  /** The same four arguments in RESP. */
  readonly batchWire: string;
  /** Its decisions' limit (the replies leave it out). */
  readonly limit: number;
}

/** A decision waiting for its batch's reply. */
interface Waiting {
  readonly id: string;
  readonly cost: number;
  /** The caller's instant, on which the decision's `resetAt` is put. */
  readonly at: number;
  readonly limit: number;
  readonly resolve: (decision: Decision) => void;
  readonly reject: (error: unknown) => void;
}

/** The most decisions one script call carries: a bigger batch would hold Redis for longer in one go. */
export const maxBatchSize = manyLimit;

/** A decision's code in a batch, as a script argument and in RESP. */
interface Code {
  readonly arg: string;
  readonly wire: string;
}

/** The code of a decision of `cost` on the batch's spec number `specIndex` (from 0). */
function codeOf(cost: number, specIndex: number): Code {
  const arg = String(cost * 64 + specIndex);
  return { arg, wire: bulk(arg) };
}

/** The codes of a decision of cost 1 on each spec of a batch: built once, most decisions use them. */
const costOneCodes: readonly Code[] = Array.from({ length: manyLimit }, (_, specIndex) => codeOf(1, specIndex));

/**
 * Decision batching (`batchDecisions`): the single-key decisions made in one turn of the event loop
 * (all the requests its poll phase read) go to Redis as one {@link manyScript} call at the end of the
 * turn (`setImmediate`), at most {@link maxBatchSize} at a time (fewer when `maxInFlight` is lower).
 * Each decision is still charged or refused on its own, in the order it was asked, inside one atomic
 * script; what the decisions share is the round trip, the command's parsing and the script's start
 * in Redis, their specs (each sent once), a repeated key's read and write, and the client's command
 * object, promise and reply parsing. A failure of the call (a timeout, a lost connection) fails every
 * decision it carried.
 */
export class DecisionBatch {
  readonly #runner: ScriptRunner;
  /** The most decisions per call: {@link maxBatchSize}, or `maxInFlight` if smaller (a bigger batch could never be sent). */
  readonly #maxSize: number;
  /** Called with each decision before its caller sees it (the blocked-key cache). */
  readonly #decided: (decision: Decision, id: string, cost: number, at: number) => void;
  #waiting: Waiting[] = [];
  /** The state key of each decision, in order. */
  #keys: string[] = [];
  /** The batch's distinct specs, in the order first named (a batch rarely holds more than a few). */
  #specs: BatchSpec[] = [];
  /** Each decision's code (`cost * 64 + spec index`), and the codes in RESP. */
  #codes: string[] = [];
  #codesWire = '';
  /** `ARGV[1]` of the batch: the caller's `now` in client-clock mode, else `''` (Redis `TIME`). */
  #now = '';
  /** The store timers' reading when the batch's first decision was asked: its deadline runs from it. */
  #startedAt = 0;
  readonly #endOfTurn = new EndOfTurn(() => this.flush());

  constructor(runner: ScriptRunner, maxInFlight: number, decided: (decision: Decision, id: string, cost: number, at: number) => void) {
    this.#runner = runner;
    this.#maxSize = Math.min(maxBatchSize, maxInFlight);
    this.#decided = decided;
  }

  /**
   * Adds the decision on state key `id` for `spec` and `cost`; `now` is `ARGV[1]` (the caller's clock
   * or `''`), `at` the caller's instant, `timersNow` the store timers' reading.
   */
  add(spec: BatchSpec, id: string, cost: number, now: string, at: number, timersNow: number): Promise<Decision> {
    // One batch has one `now`: a decision asked at another instant (a client clock that moved) starts a new one.
    if (this.#waiting.length !== 0 && now !== this.#now) this.flush();
    if (this.#waiting.length === 0) {
      this.#now = now;
      this.#startedAt = timersNow;
    }
    const promise = new Promise<Decision>((resolve, reject) => {
      this.#waiting.push({ id, cost, at, limit: spec.limit, resolve, reject });
    });
    this.#keys.push(id);
    let specIndex = this.#specs.indexOf(spec);
    if (specIndex === -1) specIndex = this.#specs.push(spec) - 1;
    const code = cost === 1 ? (costOneCodes[specIndex] as Code) : codeOf(cost, specIndex);
    this.#codes.push(code.arg);
    this.#codesWire += code.wire;
    if (this.#waiting.length >= this.#maxSize) this.flush();
    else this.#endOfTurn.schedule();
    return promise;
  }

  /** Sends the waiting decisions now, as one call. */
  flush(): void {
    const waiting = this.#waiting;
    const count = waiting.length;
    if (count === 0) return;
    const keys = this.#keys;
    const specs = this.#specs;
    const specArgs: string[] = [];
    let specsWire = '';
    for (const spec of specs) {
      specArgs.push(...spec.batchArgs);
      specsWire += spec.batchWire;
    }
    const m = String(specs.length);
    const args = ScriptRunner.argsOf(manyScript, keys, [this.#now, m, ...specArgs, ...this.#codes]);
    const frame = keysFrameOf(manyScript.sha, count, 2 + specArgs.length + count, bulk(this.#now) + bulk(m) + specsWire + this.#codesWire);
    this.#waiting = [];
    this.#keys = [];
    this.#specs = [];
    this.#codes = [];
    this.#codesWire = '';
    const decided = this.#decided;
    const decode = (reply: Reply): undefined => {
      for (let i = 0; i < count; i++) {
        const one = waiting[i] as Waiting;
        const decision = decisionOf((reply as unknown as Reply[])[i] as Reply, 0, one.limit, one.at);
        decided(decision, one.id, one.cost, one.at);
        one.resolve(decision);
      }
      return undefined;
    };
    this.#runner.run(manyScript, args, this.#startedAt, decode, '', 0, 0, 0, frame, count).then(undefined, (error: unknown) => {
      for (const one of waiting) one.reject(error);
    });
    // Sent at the end of a turn already (or when full): it must not wait for the next turn's writes.
    this.#runner.flushWrites();
  }
}
