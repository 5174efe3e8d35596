import {
  type BreakerBinding,
  type BreakerCommand,
  type BreakerSpec,
  type BreakerStateHandle,
  type BreakerTicket,
  type BreakerView,
  type CircuitBreakerState,
  type CircuitRejectionReason,
  type Clock,
  type OutcomeFlags,
  type Settlement,
  type TimerHandle,
  memoryBreakerStateStore,
} from '@breakwater/core';
import type { ScriptRunner } from '../script-runner.js';
import type { LuaScript } from '../scripts/scripts.js';
import { BreakerScripts } from './breaker-scripts.js';
import { breakerKeys } from './keys.js';
import { LocalFallback } from './local-fallback.js';
import { breakerCommandScript, breakerLeaseScript, breakerProbeScript, breakerReadScript, breakerRecordScript, breakerRestoreScript } from './lua/scripts.js';
import { OutcomeSender } from './outcome-sender.js';
import { restoreArgs } from './restore-args.js';
import type { ResolvedSharedBreakerOptions } from './shared-breaker-options.js';
import { SharedLease } from './shared-lease.js';
import { admitsAll, rejectionOf, toSavedState, toView } from './shared-view.js';
import { encodeSpec } from './spec-args.js';
import type { BreakerSubscriber } from './subscriber.js';
import { initialSummary, parseMessage, type Summary } from './summary.js';

/** What a {@link SharedBreakerState} needs from its `RedisStore`. */
export interface SharedBreakerContext {
  readonly runner: ScriptRunner;
  readonly subscriber: BreakerSubscriber;
  readonly prefix: string;
  /** Scripts take the breaker clock's `now` instead of Redis `TIME`. */
  readonly clientClock: boolean;
  readonly options: ResolvedSharedBreakerOptions;
  /** Called once when the handle closes. */
  readonly onClose: (handle: SharedBreakerState) => void;
}

const commandTargets = { reset: 'closed', isolate: 'isolated', disable: 'disabled', 'metrics-only': 'metrics-only' } as const;

/**
 * One breaker's state shared through Redis (see docs/shared-breaker.md). Admission reads a local view
 * of the shared state (no round trip while calls are admitted); the view follows pub/sub
 * notifications and is re-read when nothing refreshed it for `refreshInterval`. Outcomes go to the
 * record script per call or in batches; trips, probe leases, probe outcomes and commands are scripts
 * that read Redis time. When a script fails, the breaker goes on with a {@link LocalFallback} until a
 * read succeeds again.
 */
export class SharedBreakerState implements BreakerStateHandle {
  readonly needsTime = false;
  readonly #binding: BreakerBinding;
  readonly #spec: BreakerSpec;
  readonly #clock: Clock;
  readonly #context: SharedBreakerContext;
  readonly #channel: string;
  readonly #scripts: BreakerScripts;
  readonly #outcomes: OutcomeSender;
  #summary: Summary;
  /** Redis time minus local time, from the latest summary. */
  #offset = 0;
  /** Local time of the latest accepted summary. */
  #syncedAt = Number.NEGATIVE_INFINITY;
  /** The ticket of every call while the state admits all (the epoch), else null: the hot path reads only this. */
  #ticketAll: number | null = 0;
  #recording = true;
  #refreshTimer: TimerHandle | undefined;
  #reading = false;
  #leaseRequests = 0;
  #held: SharedLease[] = [];
  #fallback: LocalFallback | undefined;
  #generation = 0;
  #closed = false;

  constructor(binding: BreakerBinding, context: SharedBreakerContext) {
    this.#binding = binding;
    this.#spec = binding.spec;
    this.#clock = binding.clock;
    this.#context = context;
    const { keys, channel } = breakerKeys(context.prefix, binding.spec.name);
    this.#channel = channel;
    const args = encodeSpec(binding.spec, context.options.keyTtlMs);
    this.#scripts = new BreakerScripts(context.runner, keys, args, context.clientClock ? binding.clock : undefined, binding.clock);
    this.#outcomes = new OutcomeSender(binding.clock, context.options, (epoch, runs) => this.#send(breakerRecordScript, [String(epoch), runs]));
    this.#summary = initialSummary(binding.clock.now());
    context.subscriber.subscribe(channel, (message) => this.#onMessage(message), () => this.#read());
    this.#read();
    this.#armRefresh(context.options.refreshIntervalMs);
  }

  admit(): BreakerTicket | null | Promise<BreakerTicket | null> {
    const ticket = this.#ticketAll;
    if (ticket !== null) return ticket;
    const fallback = this.#fallback;
    if (fallback !== undefined) return fallback.admit();
    const summary = this.#summary;
    const now = this.#redisNow();
    if (summary.state === 'isolated' || (summary.state === 'open' && now < summary.openUntil)) return null;
    if (summary.state === 'half-open' && summary.liveProbes >= this.#spec.maxProbes && now < summary.earliestLease) return null;
    if (this.#leaseRequests + this.#liveHeld() >= this.#spec.maxProbes) return null;
    return this.#requestLease();
  }

  settle(ticket: BreakerTicket, settlement: Settlement, flags: OutcomeFlags): void {
    if (ticket === this.#ticketAll) {
      if (settlement !== 'release' && this.#recording) this.#outcomes.record(ticket, flags);
    } else if (ticket instanceof SharedLease) {
      this.#settleLease(ticket, settlement, flags);
    } else {
      this.#fallback?.settle(ticket, settlement, flags);
    }
  }

  rejection(): { readonly reason: CircuitRejectionReason; readonly retryAfterMs: number } {
    if (this.#fallback !== undefined) return this.#fallback.handle.rejection();
    return rejectionOf(this.#summary, this.#redisNow(), this.#spec);
  }

  command(command: BreakerCommand): void {
    if (this.#fallback !== undefined) {
      this.#fallback.handle.command(command);
      return;
    }
    // Seen here at once; the script's reply (a newer version) confirms it, or the fallback takes it.
    const target = commandTargets[command];
    if (this.#summary.state !== target) {
      const summary = this.#summary;
      this.#apply({ ...summary, state: target, version: summary.version + 0.5, changedAt: this.#redisNow(), reason: `${command} by operator` });
    }
    this.#send(breakerCommandScript, [command], (fallback) => fallback.handle.command(command));
  }

  view(): BreakerView {
    if (this.#fallback !== undefined) return this.#fallback.handle.view();
    return toView(this.#summary, this.#offset, this.#spec);
  }

  toJSON(): CircuitBreakerState {
    if (this.#fallback !== undefined) return this.#fallback.handle.toJSON();
    return toSavedState(this.#summary, this.#scratch().toJSON());
  }

  restore(state: CircuitBreakerState): boolean {
    return this.#write('restore', state);
  }

  seed(state: CircuitBreakerState): boolean {
    return this.#write('seed', state);
  }

  /** Sends the waiting outcomes, reads the shared state again, and resolves once no script of this breaker waits for Redis. */
  sync(): Promise<void> {
    this.#outcomes.flush();
    this.#read();
    return this.#scripts.idle();
  }

  close(): void {
    if (this.#closed) return;
    this.#outcomes.close();
    this.#closed = true;
    if (this.#refreshTimer !== undefined) this.#clock.clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    this.#context.subscriber.unsubscribe(this.#channel);
    this.#context.onClose(this);
    this.#fallback?.handle.close();
  }

  /** The breaker's name. */
  get name(): string {
    return this.#spec.name;
  }

  /** Whether this instance decides on its own breaker now (Redis unreachable). */
  get local(): boolean {
    return this.#fallback !== undefined;
  }

  #redisNow(): number {
    return this.#clock.now() + this.#offset;
  }

  #liveHeld(): number {
    if (this.#held.length === 0) return 0;
    const now = this.#clock.now();
    this.#held = this.#held.filter((lease) => lease.deadline > now);
    return this.#held.length;
  }

  #requestLease(): Promise<BreakerTicket | null> {
    this.#leaseRequests++;
    return this.#scripts.run(breakerLeaseScript, []).then(
      (result) => {
        this.#leaseRequests--;
        this.#accept(result.summary, result.sentAt);
        if (result.r1 === 1) return result.r2 === this.#ticketAll ? result.r2 : null;
        if (result.r1 !== 2) return null;
        const lease = new SharedLease(result.r2, result.r3 - this.#offset);
        this.#held.push(lease);
        return lease;
      },
      (error: unknown) => {
        this.#leaseRequests--;
        this.#fallBack(error);
        return this.#fallback?.admit() ?? null;
      },
    );
  }

  #settleLease(lease: SharedLease, settlement: Settlement, flags: OutcomeFlags): void {
    const index = this.#held.indexOf(lease);
    if (index >= 0) this.#held.splice(index, 1);
    // While local, the lease is left to expire in Redis.
    if (this.#fallback !== undefined) return;
    const code = settlement === 'success' ? 's' : settlement === 'failure' ? 'f' : 'r';
    this.#send(breakerProbeScript, [String(lease.id), code, String(flags)]);
  }

  #write(mode: 'restore' | 'seed', state: CircuitBreakerState): boolean {
    if (!this.#scratch().restore(state)) return false;
    if (this.#fallback !== undefined) return this.#fallback.handle.restore(state);
    const args = [mode, ...restoreArgs(state, this.#spec)];
    this.#send(breakerRestoreScript, args, (fallback) => fallback.handle.restore(state));
    return true;
  }

  /** An empty in-process breaker with the same conditions: checks saved state, gives its shape. */
  #scratch(): BreakerStateHandle {
    return memoryBreakerStateStore.bindBreaker({ spec: this.#spec, clock: this.#clock, onStateChange: () => undefined });
  }

  #read(): void {
    if (this.#reading || this.#closed) return;
    this.#reading = true;
    this.#scripts.run(breakerReadScript, []).then(
      (result) => {
        this.#reading = false;
        if (this.#fallback !== undefined) this.#rejoin(result.summary, result.sentAt);
        else this.#accept(result.summary, result.sentAt);
      },
      (error: unknown) => {
        this.#reading = false;
        this.#fallBack(error);
      },
    );
  }

  /** Re-reads the shared state when nothing refreshed the view for `refreshInterval` (always while local). */
  #armRefresh(delayMs: number): void {
    this.#refreshTimer = this.#clock.setTimeout(() => {
      this.#refreshTimer = undefined;
      if (this.#closed) return;
      const interval = this.#context.options.refreshIntervalMs;
      const dueIn = this.#syncedAt + interval - this.#clock.now();
      if (this.#fallback === undefined && dueIn > 0) {
        this.#armRefresh(dueIn);
        return;
      }
      this.#read();
      this.#armRefresh(interval);
    }, delayMs);
  }

  /** Runs a script whose reply only updates the view; on failure, falls back (then `onFallback`). */
  #send(script: LuaScript, extra: readonly string[], onFallback?: (fallback: LocalFallback) => void): Promise<void> {
    return this.#scripts.run(script, extra).then(
      (result) => this.#accept(result.summary, result.sentAt),
      (error: unknown) => {
        const wasShared = this.#fallback === undefined;
        this.#fallBack(error);
        if (wasShared && this.#fallback !== undefined) onFallback?.(this.#fallback);
      },
    );
  }


  #onMessage(message: string): void {
    const summary = parseMessage(message);
    if (summary !== undefined) this.#accept(summary);
  }

  /**
   * Takes a newer summary; one overtaken by another reply or message is dropped. Only a script's
   * reply (`sentAt`: when the call left) sets the clock offset, from the middle of its round trip: a
   * notification may have waited in a socket for an unknown time. In client-clock mode Redis's time
   * is the local clock's.
   */
  #accept(summary: Summary, sentAt?: number): void {
    if (this.#fallback !== undefined || this.#closed) return;
    const current = this.#summary;
    const reply = sentAt !== undefined;
    if (summary.incarnation === current.incarnation && (summary.version < current.version || (!reply && summary.version === current.version))) return;
    const now = this.#clock.now();
    if (reply && !this.#context.clientClock) this.#offset = summary.redisNow - (sentAt + now) / 2;
    this.#syncedAt = now;
    this.#apply(summary);
  }

  #apply(summary: Summary, reason = summary.reason): void {
    const from = this.#summary.state;
    this.#summary = summary;
    this.#outcomes.keepOnly(summary.epoch);
    this.#ticketAll = admitsAll(summary.state) ? summary.epoch : null;
    this.#recording = summary.state !== 'disabled';
    if (summary.state !== from) {
      this.#binding.onStateChange({ breaker: this.#spec.name, from, to: summary.state, reason, at: summary.changedAt - this.#offset });
    }
  }

  #fallBack(error: unknown): void {
    if (this.#fallback !== undefined || this.#closed) return;
    this.#outcomes.drop();
    this.#held = [];
    this.#ticketAll = null;
    this.#fallback = new LocalFallback(this.#binding, ++this.#generation, this.#summary, this.#offset);
    const reason = error instanceof Error ? error.message : String(error);
    this.#binding.onStoreStatus?.({ breaker: this.#spec.name, status: 'local', reason, error, at: this.#clock.now() });
  }

  #rejoin(summary: Summary, sentAt: number): void {
    const fallback = this.#fallback as LocalFallback;
    this.#fallback = undefined;
    fallback.handle.close();
    this.#syncedAt = this.#clock.now();
    this.#summary = { ...this.#summary, state: fallback.handle.view().state };
    this.#binding.onStoreStatus?.({ breaker: this.#spec.name, status: 'shared', reason: 'redis answered again', at: this.#clock.now() });
    if (!this.#context.clientClock) this.#offset = summary.redisNow - (sentAt + this.#clock.now()) / 2;
    this.#apply(summary, 'rejoined the shared state');
  }
}
