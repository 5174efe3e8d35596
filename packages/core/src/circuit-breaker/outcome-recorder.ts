import type { Clock } from '../clock/clock.js';
import type { BreakerStateHandle, BreakerTicket } from '../store/breaker-state-store.js';
import type { BreakerEvents } from './events.js';
import type { ResolvedCircuitBreakerOptions } from './options-schema.js';
import { Outcome, type OutcomeFlags } from './outcome.js';

/**
 * Classifies how a call ended and settles its ticket: the one place shared by permits and `execute`.
 * Time is read only when something needs it (slow-call detection, or a listener wanting durations).
 */
export class OutcomeRecorder {
  readonly #name: string;
  readonly #handle: BreakerStateHandle;
  readonly #events: BreakerEvents;
  readonly #clock: Clock;
  readonly #slowCallMs: number | undefined;
  /** True when slow calls are detected, so every call is timed. */
  readonly #timed: boolean;
  /** True when no predicate classifies outcomes: what a call returned or threw needs no look. */
  readonly #unclassified: boolean;
  readonly #isFailure: ((error: unknown) => boolean) | undefined;
  readonly #isIgnored: ((error: unknown) => boolean) | undefined;
  readonly #isResultFailure: ((result: unknown) => boolean) | undefined;

  constructor(options: ResolvedCircuitBreakerOptions, handle: BreakerStateHandle, events: BreakerEvents) {
    this.#name = options.name;
    this.#handle = handle;
    this.#events = events;
    this.#clock = options.clock;
    this.#slowCallMs = options.trip.slowCallRate?.slowCallDuration;
    this.#timed = this.#slowCallMs !== undefined;
    this.#isFailure = options.isFailure;
    this.#isIgnored = options.isIgnored;
    this.#isResultFailure = options.isResultFailure;
    this.#unclassified = this.#isFailure === undefined && this.#isIgnored === undefined && this.#isResultFailure === undefined;
  }

  /** Start time for a new call, or NaN when nothing will need its duration. */
  start(): number {
    return this.#timed || this.#events.wantsDurations ? this.#clock.now() : Number.NaN;
  }

  // `success` and `failure` handle the common call (no predicates, no timing: `startedAt` is NaN)
  // themselves and hand the rest to a method of its own. Kept this small, they are inlined into the
  // breaker's `execute` without using up the budget of code V8 inlines into one function.

  success(ticket: BreakerTicket, startedAt: number, result: unknown): void {
    if (this.#unclassified && startedAt !== startedAt) this.#handle.settle(ticket, 'success', Outcome.Success);
    else this.#classifySuccess(ticket, startedAt, result);
  }

  failure(ticket: BreakerTicket, startedAt: number, error: unknown): void {
    // Untimed also means no failure listener: listeners make start() read the clock.
    if (this.#unclassified && startedAt !== startedAt) this.#handle.settle(ticket, 'failure', Outcome.Failure);
    else this.#classifyFailure(ticket, startedAt, error);
  }

  release(ticket: BreakerTicket): void {
    this.#handle.settle(ticket, 'release', Outcome.Success);
  }

  #classifySuccess(ticket: BreakerTicket, startedAt: number, result: unknown): void {
    if (this.#isResultFailure !== undefined && this.#resultFails(result)) this.#failed(ticket, startedAt, result);
    else this.#succeeded(ticket, startedAt);
  }

  #classifyFailure(ticket: BreakerTicket, startedAt: number, error: unknown): void {
    if (this.#isIgnored !== undefined && this.#test(this.#isIgnored, error, false)) {
      this.#handle.settle(ticket, 'release', Outcome.Success);
    } else if (this.#isFailure !== undefined && !this.#test(this.#isFailure, error, true)) {
      this.#succeeded(ticket, startedAt);
    } else {
      this.#failed(ticket, startedAt, error);
    }
  }

  #succeeded(ticket: BreakerTicket, startedAt: number): void {
    if (startedAt !== startedAt) {
      this.#handle.settle(ticket, 'success', Outcome.Success);
      return;
    }
    const durationMs = this.#clock.now() - startedAt;
    const flags = this.#slowFlag(durationMs);
    this.#handle.settle(ticket, 'success', flags);
    if (this.#events.has('success')) this.#events.emit('success', { breaker: this.#name, durationMs });
  }

  #failed(ticket: BreakerTicket, startedAt: number, error: unknown): void {
    const durationMs = startedAt === startedAt ? this.#clock.now() - startedAt : Number.NaN;
    this.#handle.settle(ticket, 'failure', Outcome.Failure | this.#slowFlag(durationMs));
    if (this.#events.has('failure')) this.#events.emit('failure', { breaker: this.#name, error, durationMs });
  }

  #slowFlag(durationMs: number): OutcomeFlags {
    const thresholdMs = this.#slowCallMs;
    if (thresholdMs === undefined || !(durationMs >= thresholdMs)) return Outcome.Success;
    if (this.#events.has('slowCall')) {
      this.#events.emit('slowCall', { breaker: this.#name, durationMs, slowCallDurationMs: thresholdMs });
    }
    return Outcome.Slow;
  }

  #resultFails(result: unknown): boolean {
    return this.#test(this.#isResultFailure as (value: unknown) => boolean, result, true);
  }

  /** Runs a user predicate; one that throws decides `onThrow` rather than breaking the settlement. */
  #test(predicate: (value: unknown) => boolean, value: unknown, onThrow: boolean): boolean {
    try {
      return predicate(value) === true;
    } catch {
      return onThrow;
    }
  }
}
