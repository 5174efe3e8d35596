import type { Clock, OutcomeFlags, TimerHandle } from '@breakwater/core';
import { OutcomeBatch } from './outcome-batch.js';
import type { ResolvedSharedBreakerOptions } from './shared-breaker-options.js';

/** Sends one record script: the epoch the outcomes belong to and their runs. Settles when Redis answered (or failed). */
export type SendOutcomes = (epoch: number, runs: string) => Promise<void>;

/**
 * Where closed-state outcomes go: in `exact` mode one record script per outcome; in `batched` mode
 * into a batch sent `flushInterval` after its first outcome, or at once when it holds `flushSize`
 * failed or slow outcomes, with at most one batch in flight (under load: one script per interval).
 */
export class OutcomeSender {
  readonly #batch = new OutcomeBatch();
  readonly #clock: Clock;
  readonly #options: ResolvedSharedBreakerOptions;
  readonly #send: SendOutcomes;
  #timer: TimerHandle | undefined;
  #sending = false;
  #closed = false;

  constructor(clock: Clock, options: ResolvedSharedBreakerOptions, send: SendOutcomes) {
    this.#clock = clock;
    this.#options = options;
    this.#send = send;
  }

  record(epoch: number, flags: OutcomeFlags): void {
    if (this.#options.outcomes === 'exact') {
      void this.#send(epoch, `${flags}:1`);
      return;
    }
    const batch = this.#batch;
    batch.push(epoch, flags);
    if (batch.flagged >= this.#options.flushSize) this.flush();
    else if (this.#timer === undefined && !this.#sending) this.#timer = this.#clock.setTimeout(() => this.flush(), this.#options.flushIntervalMs);
  }

  /** Drops the batch unless it holds outcomes of `epoch` (outcomes of another epoch are stale). */
  keepOnly(epoch: number): void {
    if (!this.#batch.empty && this.#batch.epoch !== epoch) this.drop();
  }

  drop(): void {
    this.#batch.clear();
    this.#clearTimer();
  }

  /** Sends the batch now, unless one is in flight (it is sent when that one is answered). */
  flush(): void {
    this.#clearTimer();
    const batch = this.#batch;
    if (this.#sending || batch.empty || this.#closed) return;
    this.#sending = true;
    void this.#send(batch.epoch, batch.take()).then(() => {
      this.#sending = false;
      if (batch.empty || this.#closed) return;
      if (batch.flagged >= this.#options.flushSize) this.flush();
      else this.#timer ??= this.#clock.setTimeout(() => this.flush(), this.#options.flushIntervalMs);
    });
  }

  /** Sends what is waiting, then sends nothing more. */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
