import type { Permit } from '../policy/admission.js';
import type { BreakerTicket } from '../store/breaker-state-store.js';
import type { OutcomeRecorder } from './outcome-recorder.js';

/** A breaker's {@link Permit}: settles its ticket exactly once. */
export class BreakerPermit implements Permit {
  readonly admitted = true as const;
  readonly policy: string;
  #settled = false;
  readonly #recorder: OutcomeRecorder;
  readonly #ticket: BreakerTicket;
  readonly #startedAt: number;

  constructor(policy: string, recorder: OutcomeRecorder, ticket: BreakerTicket, startedAt: number) {
    this.policy = policy;
    this.#recorder = recorder;
    this.#ticket = ticket;
    this.#startedAt = startedAt;
  }

  get settled(): boolean {
    return this.#settled;
  }

  success(result?: unknown): void {
    if (this.#settle()) this.#recorder.success(this.#ticket, this.#startedAt, result);
  }

  failure(error?: unknown): void {
    if (this.#settle()) this.#recorder.failure(this.#ticket, this.#startedAt, error);
  }

  release(): void {
    if (this.#settle()) this.#recorder.release(this.#ticket);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    return true;
  }
}
