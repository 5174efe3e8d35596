import type { BreakerSpec, CircuitStateName, Clock, StateChange } from '@breakwater/core';
import { admitsAll } from './shared-view.js';
import { initialSummary, type Summary } from './summary.js';

/**
 * An instance's view of the shared state: the latest summary, the offset between Redis's clock and
 * the local one, and what the hot path reads (`ticketAll`, `recording`). A summary overtaken by a
 * newer one (by version, within one incarnation of the state) is dropped; `onStateChange` fires
 * whenever the viewed state changes, whichever instance changed it.
 */
export class ViewState {
  summary: Summary;
  /** Redis time minus local time. */
  offset = 0;
  /** Local time of the latest accepted summary. */
  syncedAt = Number.NEGATIVE_INFINITY;
  /** The ticket of every call while the state admits all (the epoch), else null: the hot path reads only this. */
  ticketAll: number | null = 0;
  /** False while disabled: outcomes are not recorded. */
  recording = true;
  readonly #spec: BreakerSpec;
  readonly #clock: Clock;
  readonly #clientClock: boolean;
  readonly #onStateChange: (change: StateChange) => void;
  readonly #onEpoch: (epoch: number) => void;

  constructor(spec: BreakerSpec, clock: Clock, clientClock: boolean, onStateChange: (change: StateChange) => void, onEpoch: (epoch: number) => void) {
    this.#spec = spec;
    this.#clock = clock;
    this.#clientClock = clientClock;
    this.#onStateChange = onStateChange;
    this.#onEpoch = onEpoch;
    this.summary = initialSummary(clock.now());
  }

  /** Redis's time now, as estimated from the offset. */
  redisNow(): number {
    return this.#clock.now() + this.offset;
  }

  /**
   * Takes a newer summary. Only a script's reply (`sentAt`: when the call left) sets the offset, from
   * the middle of its round trip: a notification may have waited in a socket for an unknown time. In
   * client-clock mode Redis's time is the local clock's.
   */
  accept(summary: Summary, sentAt?: number): void {
    const current = this.summary;
    const reply = sentAt !== undefined;
    if (summary.incarnation === current.incarnation && (summary.version < current.version || (!reply && summary.version === current.version))) return;
    this.#sync(summary, sentAt);
    this.apply(summary);
  }

  /** Takes `summary` whatever the view held, reporting a change from `from` (rejoining after a fallback). */
  adopt(summary: Summary, sentAt: number, from: CircuitStateName, reason: string): void {
    this.summary = { ...this.summary, state: from };
    this.#sync(summary, sentAt);
    this.apply(summary, reason);
  }

  /** Shows `summary` now (also an operator's command before Redis confirms it). */
  apply(summary: Summary, reason = summary.reason): void {
    const from = this.summary.state;
    this.summary = summary;
    this.#onEpoch(summary.epoch);
    this.ticketAll = admitsAll(summary.state) ? summary.epoch : null;
    this.recording = summary.state !== 'disabled';
    if (summary.state !== from) {
      this.#onStateChange({ breaker: this.#spec.name, from, to: summary.state, reason, at: summary.changedAt - this.offset });
    }
  }

  #sync(summary: Summary, sentAt: number | undefined): void {
    const now = this.#clock.now();
    if (sentAt !== undefined && !this.#clientClock) this.offset = summary.redisNow - (sentAt + now) / 2;
    this.syncedAt = now;
  }
}
