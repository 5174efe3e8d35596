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
  memoryBreakerStateStore,
} from '@breakwater/core';
import type { ScriptRunner } from '../script-runner.js';
import type { LuaScript } from '../scripts/scripts.js';
import { BreakerScripts } from './breaker-scripts.js';
import { breakerKeys } from './keys.js';
import { LocalFallback } from './local-fallback.js';
import { breakerCommandScript, breakerLeaseScript, breakerProbeScript, breakerReadScript, breakerRecordScript, breakerRestoreScript } from './lua/scripts.js';
import { OutcomeSender } from './outcome-sender.js';
import { ProbeLeases } from './probe-leases.js';
import { RefreshTimer } from './refresh-timer.js';
import { restoreArgs } from './restore-args.js';
import type { ResolvedSharedBreakerOptions } from './shared-breaker-options.js';
import { SharedLease } from './shared-lease.js';
import { rejectionOf, toSavedState, toView } from './shared-view.js';
import { encodeSpec } from './spec-args.js';
import type { BreakerSubscriber } from './subscriber.js';
import { parseMessage } from './summary.js';
import { ViewState } from './view-state.js';

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
  readonly #unsubscribe: () => void;
  readonly #scripts: BreakerScripts;
  readonly #outcomes: OutcomeSender;
  readonly #view: ViewState;
  readonly #leases: ProbeLeases;
  readonly #refresh: RefreshTimer;
  #reading = false;
  #fallback: LocalFallback | undefined;
  #generation = 0;
  #closed = false;

  constructor(binding: BreakerBinding, context: SharedBreakerContext) {
    this.#binding = binding;
    const spec = (this.#spec = binding.spec);
    const clock = (this.#clock = binding.clock);
    this.#context = context;
    const { keys, channel } = breakerKeys(context.prefix, spec.name);
    this.#scripts = new BreakerScripts(context.runner, keys, encodeSpec(spec, context.options.keyTtlMs), context.clientClock ? clock : undefined, clock);
    this.#outcomes = new OutcomeSender(clock, context.options, (epoch, runs) => this.#send(breakerRecordScript, [String(epoch), runs]));
    this.#view = new ViewState(spec, clock, context.clientClock, binding.onStateChange, (epoch) => this.#outcomes.keepOnly(epoch));
    this.#leases = new ProbeLeases(clock, spec.maxProbes);
    this.#unsubscribe = context.subscriber.subscribe(channel, { message: (message) => this.#onMessage(message), ready: () => this.#read() });
    this.#read();
    // Re-reads the shared state when nothing refreshed the view for `refreshInterval` (always while local).
    this.#refresh = new RefreshTimer(clock, context.options.refreshIntervalMs, () => (this.#fallback === undefined ? this.#view.syncedAt : Number.NEGATIVE_INFINITY), () => this.#read());
  }

  admit(): BreakerTicket | null | Promise<BreakerTicket | null> {
    const ticket = this.#view.ticketAll;
    if (ticket !== null) return ticket;
    if (this.#fallback !== undefined) return this.#fallback.admit();
    const summary = this.#view.summary;
    const now = this.#view.redisNow();
    if (summary.state === 'isolated' || (summary.state === 'open' && now < summary.openUntil)) return null;
    if (summary.state === 'half-open' && summary.liveProbes >= this.#spec.maxProbes && now < summary.earliestLease) return null;
    return this.#leases.canAsk ? this.#requestLease() : null;
  }

  settle(ticket: BreakerTicket, settlement: Settlement, flags: OutcomeFlags): void {
    if (ticket === this.#view.ticketAll) {
      if (settlement !== 'release' && this.#view.recording) this.#outcomes.record(ticket, flags);
    } else if (ticket instanceof SharedLease) {
      this.#leases.release(ticket);
      // While local, the lease is left to expire in Redis.
      if (this.#fallback !== undefined) return;
      const code = settlement === 'success' ? 's' : settlement === 'failure' ? 'f' : 'r';
      this.#send(breakerProbeScript, [String(ticket.id), code, String(flags)]);
    } else {
      this.#fallback?.settle(ticket, settlement, flags);
    }
  }

  rejection(): { readonly reason: CircuitRejectionReason; readonly retryAfterMs: number } {
    if (this.#fallback !== undefined) return this.#fallback.handle.rejection();
    return rejectionOf(this.#view.summary, this.#view.redisNow(), this.#spec);
  }

  command(command: BreakerCommand): void {
    if (this.#fallback !== undefined) {
      this.#fallback.handle.command(command);
      return;
    }
    // Seen here at once; the script's reply (a newer version) confirms it, or the fallback takes it.
    const target = commandTargets[command];
    const summary = this.#view.summary;
    if (summary.state !== target) {
      this.#view.apply({ ...summary, state: target, version: summary.version + 0.5, changedAt: this.#view.redisNow(), reason: `${command} by operator` });
    }
    void this.#send(breakerCommandScript, [command], (fallback) => fallback.handle.command(command));
  }

  view(): BreakerView {
    if (this.#fallback !== undefined) return this.#fallback.handle.view();
    return toView(this.#view.summary, this.#view.offset, this.#spec);
  }

  toJSON(): CircuitBreakerState {
    if (this.#fallback !== undefined) return this.#fallback.handle.toJSON();
    return toSavedState(this.#view.summary, this.#scratch().toJSON());
  }

  restore(state: CircuitBreakerState): boolean {
    return this.#write('restore', state);
  }

  seed(state: CircuitBreakerState): boolean {
    return this.#write('seed', state);
  }

  /**
   * Sends the waiting outcomes, reads the shared state again, and resolves once no script of this
   * breaker waits for Redis. The read is a new one even when a refresh is already in flight: that
   * one was sent earlier, and its windows would be counted at its own instant, not at this call's.
   */
  sync(): Promise<void> {
    this.#outcomes.flush();
    this.#read(true);
    return this.#scripts.idle();
  }

  close(): void {
    if (this.#closed) return;
    this.#outcomes.close();
    this.#closed = true;
    this.#refresh.close();
    this.#unsubscribe();
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

  #requestLease(): Promise<BreakerTicket | null> {
    this.#leases.asked();
    return this.#scripts.run(breakerLeaseScript, []).then(
      (result) => {
        this.#accept(result.summary, result.sentAt);
        if (result.r1 !== 2) {
          this.#leases.answered();
          // 1: the state admits every call (this view was stale): an ordinary call of the current epoch.
          return result.r1 === 1 && result.r2 === this.#view.ticketAll ? result.r2 : null;
        }
        const lease = new SharedLease(result.r2, result.r3 - this.#view.offset);
        this.#leases.answered(lease);
        return lease;
      },
      (error: unknown) => {
        this.#leases.answered();
        this.#fallBack(error);
        return this.#fallback?.admit() ?? null;
      },
    );
  }

  #write(mode: 'restore' | 'seed', state: CircuitBreakerState): boolean {
    if (!this.#scratch().restore(state)) return false;
    if (this.#fallback !== undefined) return this.#fallback.handle.restore(state);
    void this.#send(breakerRestoreScript, [mode, ...restoreArgs(state, this.#spec)], (fallback) => fallback.handle.restore(state));
    return true;
  }

  /** An empty in-process breaker with the same conditions: checks saved state, gives its shape. */
  #scratch(): BreakerStateHandle {
    return memoryBreakerStateStore.bindBreaker({ spec: this.#spec, clock: this.#clock, onStateChange: () => undefined });
  }

  /** Reads the shared state; a refresh (`force` false) is skipped while another read is in flight. */
  #read(force = false): void {
    if ((this.#reading && !force) || this.#closed) return;
    this.#reading = true;
    this.#scripts.run(breakerReadScript, []).then(
      (result) => {
        this.#reading = false;
        if (this.#fallback === undefined) this.#accept(result.summary, result.sentAt);
        else this.#rejoin(result.summary, result.sentAt);
      },
      (error: unknown) => {
        this.#reading = false;
        this.#fallBack(error);
      },
    );
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

  #accept(summary: Parameters<ViewState['accept']>[0], sentAt?: number): void {
    if (this.#fallback === undefined && !this.#closed) this.#view.accept(summary, sentAt);
  }

  #fallBack(error: unknown): void {
    if (this.#fallback !== undefined || this.#closed) return;
    this.#outcomes.drop();
    this.#leases.clear();
    this.#view.ticketAll = null;
    this.#fallback = new LocalFallback(this.#binding, ++this.#generation, this.#view.summary, this.#view.offset);
    const reason = error instanceof Error ? error.message : String(error);
    this.#binding.onStoreStatus?.({ breaker: this.#spec.name, status: 'local', reason, error, at: this.#clock.now() });
  }

  #rejoin(summary: Parameters<ViewState['accept']>[0], sentAt: number): void {
    const fallback = this.#fallback as LocalFallback;
    this.#fallback = undefined;
    fallback.handle.close();
    this.#binding.onStoreStatus?.({ breaker: this.#spec.name, status: 'shared', reason: 'redis answered again', at: this.#clock.now() });
    this.#view.adopt(summary, sentAt, fallback.handle.view().state, 'rejoined the shared state');
  }
}
