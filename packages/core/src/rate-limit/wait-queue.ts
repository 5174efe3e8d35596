import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Judgement } from './decision.js';

/** How a wait ends when it does not fail: admitted, or refused. */
export type WaitOutcome =
  | { readonly admitted: true; readonly judgement: Judgement }
  | { readonly admitted: false; readonly reason: 'wait-exceeded' | 'closed'; readonly judgement: Judgement | undefined };

/** Waiters with the same keys share a line. */
export function lineId(keys: readonly string[]): string {
  return keys.length === 1 ? (keys[0] as string) : keys.join('\u0000');
}

/** Asks the limits again for a waiter. */
export type Retry = (keys: readonly string[], cost: number) => Judgement | Promise<Judgement>;

interface Waiter {
  readonly line: Line;
  readonly keys: readonly string[];
  readonly cost: number;
  readonly deadline: number;
  readonly settle: (outcome: WaitOutcome) => void;
  readonly fail: (error: unknown) => void;
  detach: (() => void) | undefined;
}

/** The waiters for one set of keys, first come first served, with one timer for the first. */
interface Line {
  readonly id: string;
  readonly waiters: Waiter[];
  timer: TimerHandle | undefined;
  wakeAt: number;
  draining: boolean;
}

/**
 * The delay mode's queue: calls a limit refused wait for capacity, FIFO per set of keys (a client
 * waiting does not hold up another client), bounded by `maxQueue` waiters in all and by `maxWaitMs`
 * per waiter. A waiter whose wait would pass its deadline is refused at once; an aborted waiter is
 * removed at once. One timer per line, for its first waiter only.
 */
export class WaitQueue {
  readonly maxQueue: number;
  readonly maxWaitMs: number;
  readonly #clock: Clock;
  readonly #retry: Retry;
  readonly #lines = new Map<string, Line>();
  #depth = 0;

  constructor(clock: Clock, maxWaitMs: number, maxQueue: number, retry: Retry) {
    this.#clock = clock;
    this.maxWaitMs = maxWaitMs;
    this.maxQueue = maxQueue;
    this.#retry = retry;
  }

  /** Calls waiting now. */
  get depth(): number {
    return this.#depth;
  }

  get isFull(): boolean {
    return this.#depth >= this.maxQueue;
  }

  /** Milliseconds until the line for `id` next tries its first waiter, or undefined without a line. */
  lineWaitMs(id: string): number | undefined {
    const line = this.#lines.get(id);
    return line === undefined ? undefined : Math.max(0, line.wakeAt - this.#clock.now());
  }

  /**
   * Queues a call at the end of the line for `id`. `retryAfterMs` is when to try again if this call
   * starts the line. The caller checks `isFull` first.
   */
  wait(id: string, keys: readonly string[], cost: number, signal: AbortSignal | undefined, retryAfterMs: number): Promise<WaitOutcome> {
    return new Promise<WaitOutcome>((settle, fail) => {
      let line = this.#lines.get(id);
      const starts = line === undefined;
      if (line === undefined) this.#lines.set(id, (line = { id, waiters: [], timer: undefined, wakeAt: 0, draining: false }));
      const waiter: Waiter = { line, keys, cost, deadline: this.#clock.now() + this.maxWaitMs, settle, fail, detach: undefined };
      line.waiters.push(waiter);
      this.#depth++;
      if (signal !== undefined) this.#follow(waiter, signal);
      if (starts) this.#arm(line, retryAfterMs);
    });
  }

  /** Refuses every waiter (reason `closed`) and clears every timer. */
  close(): void {
    for (const line of this.#lines.values()) {
      if (line.timer !== undefined) this.#clock.clearTimeout(line.timer);
      for (const waiter of line.waiters.splice(0)) {
        waiter.detach?.();
        waiter.settle({ admitted: false, reason: 'closed', judgement: undefined });
      }
    }
    this.#lines.clear();
    this.#depth = 0;
  }

  #arm(line: Line, delayMs: number): void {
    line.wakeAt = this.#clock.now() + delayMs;
    line.timer = this.#clock.setTimeout(() => void this.#drain(line), delayMs);
  }

  async #drain(line: Line): Promise<void> {
    line.timer = undefined;
    line.draining = true;
    try {
      while (line.waiters.length > 0) {
        const head = line.waiters[0] as Waiter;
        const waitMs = await this.#tryFirst(head);
        if (waitMs > 0 && line.waiters[0] === head) return this.#arm(line, waitMs);
      }
      this.#lines.delete(line.id);
    } finally {
      line.draining = false;
    }
  }

  /** Tries the first waiter: 0 once it is settled, else the milliseconds to wait for it. */
  async #tryFirst(head: Waiter): Promise<number> {
    if (this.#clock.now() >= head.deadline) return this.#refuse(head, undefined);
    let judgement: Judgement;
    try {
      const result = this.#retry(head.keys, head.cost);
      judgement = result instanceof Promise ? await result : result;
    } catch (error) {
      if (this.#remove(head)) head.fail(error);
      return 0;
    }
    if (!head.line.waiters.includes(head)) return 0;
    if (judgement.allowed) {
      this.#remove(head);
      head.settle({ admitted: true, judgement });
      return 0;
    }
    const waitMs = judgement.decision.retryAfterMs;
    return this.#clock.now() + waitMs > head.deadline ? this.#refuse(head, judgement) : waitMs;
  }

  #refuse(waiter: Waiter, judgement: Judgement | undefined): number {
    this.#remove(waiter);
    waiter.settle({ admitted: false, reason: 'wait-exceeded', judgement });
    return 0;
  }

  #follow(waiter: Waiter, signal: AbortSignal): void {
    const onAbort = (): void => this.#abandon(waiter, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    waiter.detach = () => signal.removeEventListener('abort', onAbort);
  }

  /** An aborted waiter leaves its line at once; the line moves on if it was first. */
  #abandon(waiter: Waiter, reason: unknown): void {
    const line = waiter.line;
    const wasFirst = line.waiters[0] === waiter;
    if (!this.#remove(waiter)) return;
    waiter.fail(reason);
    if (!wasFirst || line.draining) return;
    if (line.timer !== undefined) this.#clock.clearTimeout(line.timer);
    line.timer = undefined;
    if (line.waiters.length === 0) this.#lines.delete(line.id);
    else void this.#drain(line);
  }

  #remove(waiter: Waiter): boolean {
    const index = waiter.line.waiters.indexOf(waiter);
    if (index < 0) return false;
    waiter.line.waiters.splice(index, 1);
    waiter.detach?.();
    this.#depth--;
    return true;
  }
}
