import type { Writable } from 'node:stream';

/**
 * Auto-pipelining at the socket: the first call written in a turn of the event loop corks the
 * connection, and the check phase of that turn (`setImmediate`) uncorks it, so every call made in
 * the turn (by all the requests its poll phase read, or by all the replies one read resolved) goes
 * out in one `writev`, and Redis reads them in one `read`. Each call stays its own `EVALSHA`, atomic
 * on its own, with its own reply and deadline; only the system calls are shared. A turn is over in
 * microseconds, so a call waits at most that long before it is written.
 *
 * Unlike ioredis's `enableAutoPipelining`, this builds no pipeline object and no extra promise per
 * call (which made script calls slower than sending them one by one; docs/benchmarks.md).
 */
export class WriteBatch {
  #held: Writable | undefined;
  readonly #flush = (): void => {
    const held = this.#held;
    this.#held = undefined;
    held?.uncork();
  };

  /** Holds `stream`'s writes until the end of this turn (nothing when they are held already or there is no stream). */
  hold(stream: Writable | undefined): void {
    if (stream === undefined || this.#held !== undefined) return;
    stream.cork();
    this.#held = stream;
    setImmediate(this.#flush);
  }
}
