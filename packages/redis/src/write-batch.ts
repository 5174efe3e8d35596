import type { Writable } from 'node:stream';
import type { Command } from 'ioredis';
import { EndOfTurn } from './end-of-turn.js';

/**
 * The most calls one socket write carries. Written all at once, the calls of a busy turn made Redis
 * wait while the client built them and the client wait while Redis ran them (the two sides took
 * turns: 1.06× the throughput of one write per call, docs/benchmarks.md); in writes of 16, Redis
 * starts on the first ones while the client makes the rest (2.0–2.1×).
 */
export const maxCallsPerWrite = 16;

/** What a {@link WriteBatch} writes through: the store's ioredis client (a single node or Sentinel). */
export interface BatchedClient {
  readonly stream?: Writable;
  sendCommand(command: Command): unknown;
}

/**
 * Auto-pipelining (`autoPipelining`): the store's calls made in one turn of the event loop (by all
 * the requests its poll phase read, or by all the replies one read resolved) are handed to ioredis at
 * the turn's check phase (`setImmediate`), or as soon as {@link maxCallsPerWrite} wait, with the
 * socket corked around them, so that they go out in one `writev` and Redis reads them in one `read`.
 * Each call stays its own `EVALSHA`, atomic on its own, with its own reply and deadline; only the
 * system calls are shared. The socket is corked only while the batch is written, so the application's
 * own commands on the same client are never held.
 *
 * Unlike ioredis's `enableAutoPipelining`, this builds no pipeline object and no extra promise per
 * call (which made script calls slower than sending them one by one; docs/benchmarks.md).
 */
export class WriteBatch {
  readonly #client: BatchedClient;
  #waiting: Command[] = [];
  readonly #endOfTurn = new EndOfTurn(() => this.flush());

  constructor(client: BatchedClient) {
    this.#client = client;
  }

  /** Sends `command` with the other calls of this turn. */
  add(command: Command): void {
    if (this.#waiting.push(command) >= maxCallsPerWrite) this.flush();
    else this.#endOfTurn.schedule();
  }

  /** Sends the waiting calls now, in one write. */
  flush(): void {
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    // A fresh list: a call that fails as it is sent settles synchronously, and must find its batch done.
    this.#waiting = [];
    const client = this.#client;
    const stream = client.stream;
    stream?.cork();
    try {
      for (const command of waiting) client.sendCommand(command);
    } finally {
      stream?.uncork();
    }
  }
}
