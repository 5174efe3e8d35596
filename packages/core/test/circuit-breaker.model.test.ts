/**
 * Model-based test of the circuit breaker.
 *
 * fast-check generates a breaker configuration and a list of commands (acquire / execute a call,
 * settle one, settle one twice, move the clock, reset, isolate / disable / metrics-only and dispose).
 * An interpreter runs every command against the real breaker and against `BreakerModel`, a small
 * reference written from the documented semantics (it shares no code with the implementation), and
 * compares admissions, rejections, state changes and the snapshot after every command.
 *
 * No test here waits on real time: the breaker reads a ManualClock that the commands move.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CircuitOpenError,
  circuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitStateName,
  type Disposable,
  type Permit,
} from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';

// ---------------------------------------------------------------------------------------------
// Configurations
// ---------------------------------------------------------------------------------------------

type WindowConfig = { type: 'count'; size: number } | { type: 'time'; duration: number; buckets: number };

interface RateConfig {
  threshold: number;
  /** Undefined: left to the default (the smaller of 10 and a count window's size). */
  minimumCalls: number | undefined;
  window: WindowConfig;
}

interface SlowRateConfig extends RateConfig {
  slowCallDuration: number;
}

interface ModelConfig {
  family: string;
  consecutiveFailures: number | undefined;
  failureRate: RateConfig | undefined;
  slowCallRate: SlowRateConfig | undefined;
  recoveryTimeout: number;
  backoff: { multiplier: number; maxRecoveryTimeout: number } | undefined;
  maxProbes: number;
  successThreshold: number;
  probeTimeout: number;
  /** The `timeout` option: execute() calls still running after it fail with TimeoutError. */
  timeout: number | undefined;
  /** Whether isIgnored / isFailure / isResultFailure are configured. */
  classify: boolean;
  /** Whether duration-wanting listeners are subscribed (changes how the recorder reads time). */
  listeners: boolean;
  startAt: number;
}

const thresholdArb = fc.constantFrom(0.1, 0.2, 0.25, 1 / 3, 0.5, 0.6, 2 / 3, 0.75, 0.9, 1);

const countWindowArb: fc.Arbitrary<WindowConfig> = fc
  .integer({ min: 1, max: 10 })
  .map((size) => ({ type: 'count' as const, size }));

const timeWindowArb: fc.Arbitrary<WindowConfig> = fc.oneof(
  // Whole-millisecond slices.
  fc
    .record({ buckets: fc.integer({ min: 1, max: 6 }), sliceMs: fc.integer({ min: 20, max: 800 }) })
    .map(({ buckets, sliceMs }) => ({ type: 'time' as const, duration: buckets * sliceMs, buckets })),
  // Any duration, so slices may be fractional.
  fc
    .record({ duration: fc.integer({ min: 1, max: 4_000 }), buckets: fc.integer({ min: 1, max: 7 }) })
    .map(({ duration, buckets }) => ({ type: 'time' as const, duration, buckets })),
);

function rateArb(windowArb: fc.Arbitrary<WindowConfig>): fc.Arbitrary<RateConfig> {
  return fc.record({ threshold: thresholdArb, window: windowArb }).chain(({ threshold, window }) =>
    fc
      .option(fc.integer({ min: 0, max: window.type === 'count' ? window.size : 12 }), { nil: undefined })
      .map((minimumCalls) => ({ threshold, window, minimumCalls })),
  );
}

function slowRateArb(windowArb: fc.Arbitrary<WindowConfig>): fc.Arbitrary<SlowRateConfig> {
  return fc
    .record({ rate: rateArb(windowArb), slowCallDuration: fc.integer({ min: 1, max: 400 }) })
    .map(({ rate, slowCallDuration }) => ({ ...rate, slowCallDuration }));
}

const anyWindowArb = fc.oneof(countWindowArb, timeWindowArb);
const consecutiveArb = fc.integer({ min: 1, max: 5 });

type Trip = Pick<ModelConfig, 'family' | 'consecutiveFailures' | 'failureRate' | 'slowCallRate'>;

const tripArb: fc.Arbitrary<Trip> = fc.oneof(
  consecutiveArb.map((n) => ({ family: 'consecutive', consecutiveFailures: n, failureRate: undefined, slowCallRate: undefined })),
  rateArb(countWindowArb).map((r) => ({ family: 'rate/count', consecutiveFailures: undefined, failureRate: r, slowCallRate: undefined })),
  rateArb(timeWindowArb).map((r) => ({ family: 'rate/time', consecutiveFailures: undefined, failureRate: r, slowCallRate: undefined })),
  slowRateArb(anyWindowArb).map((s) => ({ family: 'slow', consecutiveFailures: undefined, failureRate: undefined, slowCallRate: s })),
  fc
    .record({
      consecutiveFailures: fc.option(consecutiveArb, { nil: undefined }),
      failureRate: fc.option(rateArb(anyWindowArb), { nil: undefined }),
      slowCallRate: fc.option(slowRateArb(anyWindowArb), { nil: undefined }),
    })
    .filter((t) => t.consecutiveFailures !== undefined || t.failureRate !== undefined || t.slowCallRate !== undefined)
    .map((t) => ({ family: 'combination', ...t })),
);

const configArb: fc.Arbitrary<ModelConfig> = fc
  .record({
    trip: tripArb,
    recoveryTimeout: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
    backoff: fc.option(
      fc.record({ multiplier: fc.constantFrom(1, 1.5, 2, 3), extra: fc.integer({ min: 0, max: 20_000 }) }),
      { nil: undefined },
    ),
    maxProbes: fc.integer({ min: 1, max: 5 }),
    successThreshold: fc.integer({ min: 1, max: 4 }),
    probeTimeout: fc.integer({ min: 1, max: 3_000 }),
    timeout: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined, freq: 3 }),
    classify: fc.boolean(),
    listeners: fc.boolean(),
    startAt: fc.constantFrom(0, 1_000, 1_700_000_000_123),
  })
  .map(({ trip, backoff, ...rest }) => ({
    ...trip,
    ...rest,
    backoff:
      backoff === undefined
        ? undefined
        : { multiplier: backoff.multiplier, maxRecoveryTimeout: Math.max(1, rest.recoveryTimeout + backoff.extra) },
  }));

/** Tags of the errors a test call fails with; the classification predicates read them. */
class TestError extends Error {
  constructor(readonly tag: 'plain' | 'ignored' | 'benign' | 'explode' | 'aborted') {
    super(tag);
  }
}

function tagOf(value: unknown): string | undefined {
  return value instanceof TestError ? value.tag : undefined;
}

function toOptions(config: ModelConfig, clock: ManualClock): CircuitBreakerOptions {
  const window = (w: WindowConfig) =>
    w.type === 'count' ? { type: 'count' as const, size: w.size } : { type: 'time' as const, duration: w.duration, buckets: w.buckets };
  const rate = (r: RateConfig) => ({
    threshold: r.threshold,
    window: window(r.window),
    ...(r.minimumCalls === undefined ? {} : { minimumCalls: r.minimumCalls }),
  });
  return {
    name: 'model',
    clock,
    trip: {
      ...(config.consecutiveFailures === undefined ? {} : { consecutiveFailures: config.consecutiveFailures }),
      ...(config.failureRate === undefined ? {} : { failureRate: rate(config.failureRate) }),
      ...(config.slowCallRate === undefined
        ? {}
        : { slowCallRate: { ...rate(config.slowCallRate), slowCallDuration: config.slowCallRate.slowCallDuration } }),
    },
    recoveryTimeout: config.recoveryTimeout,
    ...(config.backoff === undefined ? {} : { backoff: config.backoff }),
    maxProbes: config.maxProbes,
    successThreshold: config.successThreshold,
    probeTimeout: config.probeTimeout,
    ...(config.timeout === undefined ? {} : { timeout: config.timeout }),
    ...(config.classify
      ? {
          isIgnored: (error: unknown) => {
            if (tagOf(error) === 'explode') throw new Error('isIgnored exploded');
            return tagOf(error) === 'ignored';
          },
          isFailure: (error: unknown) => {
            if (tagOf(error) === 'explode') throw new Error('isFailure exploded');
            return tagOf(error) !== 'benign';
          },
          isResultFailure: (result: unknown) => {
            if (result === 'explode') throw new Error('isResultFailure exploded');
            return result === 'bad';
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

/** How a test call ends. */
type How = 'success' | 'failure' | 'release' | 'ignored' | 'benign' | 'badResult' | 'explode' | 'explodeResult';
/** What the breaker should make of it. */
type Verdict = 'success' | 'failure' | 'release';

/** Classification, written from the option docs (predicates that throw: isIgnored → false, the others → true). */
function verdictOf(how: How, classify: boolean): Verdict {
  switch (how) {
    case 'release':
      return 'release';
    case 'success':
      return 'success';
    case 'failure':
      return 'failure';
    case 'ignored':
      return classify ? 'release' : 'failure';
    case 'benign':
      return classify ? 'success' : 'failure';
    case 'explode':
      return 'failure';
    case 'badResult':
    case 'explodeResult':
      return classify ? 'failure' : 'success';
  }
}

interface Figures {
  calls: number;
  failures: number;
  slowCalls: number;
}

/** A window as a plain list of timestamped outcomes. */
class WindowModel {
  #outcomes: { at: number; failure: boolean; slow: boolean }[] = [];
  constructor(readonly config: WindowConfig) {}

  record(at: number, failure: boolean, slow: boolean): void {
    this.#outcomes.push({ at, failure, slow });
    if (this.config.type === 'count' && this.#outcomes.length > this.config.size) this.#outcomes.shift();
  }

  /** A time window holds the outcomes of the current slice (slices aligned on t = 0) and the buckets - 1 before it. */
  figures(now: number): Figures {
    let outcomes = this.#outcomes;
    const config = this.config;
    if (config.type === 'time') {
      const sliceMs = config.duration / config.buckets;
      const oldestSlice = Math.floor(now / sliceMs) - config.buckets + 1;
      outcomes = outcomes.filter((o) => Math.floor(o.at / sliceMs) >= oldestSlice);
    }
    return {
      calls: outcomes.length,
      failures: outcomes.filter((o) => o.failure).length,
      slowCalls: outcomes.filter((o) => o.slow).length,
    };
  }

  /** When the oldest outcome still in a time window leaves it (for targeted clock moves). */
  nextExpiry(now: number): number | undefined {
    const config = this.config;
    if (config.type !== 'time') return undefined;
    const sliceMs = config.duration / config.buckets;
    const oldestSlice = Math.floor(now / sliceMs) - config.buckets + 1;
    const live = this.#outcomes.filter((o) => Math.floor(o.at / sliceMs) >= oldestSlice);
    if (live.length === 0) return undefined;
    return Math.ceil((Math.floor(live[0]!.at / sliceMs) + config.buckets) * sliceMs);
  }

  clear(): void {
    this.#outcomes = [];
  }
}

class RateModel {
  readonly window: WindowModel;
  readonly minimumCalls: number;
  constructor(
    readonly config: RateConfig,
    readonly measures: 'failure' | 'slow',
  ) {
    this.window = new WindowModel(config.window);
    this.minimumCalls = config.minimumCalls ?? (config.window.type === 'count' ? Math.min(10, config.window.size) : 10);
  }

  /** Records one outcome; true when the condition trips (judged only on an outcome it measures). */
  record(now: number, failure: boolean, slow: boolean): boolean {
    this.window.record(now, failure, slow);
    if (!(this.measures === 'failure' ? failure : slow)) return false;
    const f = this.window.figures(now);
    const hits = this.measures === 'failure' ? f.failures : f.slowCalls;
    return f.calls > 0 && f.calls >= this.minimumCalls && hits >= this.config.threshold * f.calls;
  }
}

interface ModelLease {
  id: number;
  deadline: number;
}

type ModelTicket = { kind: 'call'; epoch: number } | { kind: 'probe'; lease: ModelLease };

type ModelAdmission =
  | { admitted: true; ticket: ModelTicket }
  | { admitted: false; reason: 'open' | 'isolated' | 'half-open-full'; retryAfterMs: number };

type Mode = 'isolate' | 'disable' | 'metricsOnly';
const modeState: Record<Mode, CircuitStateName> = { isolate: 'isolated', disable: 'disabled', metricsOnly: 'metrics-only' };

interface ModelHold {
  override: { mode: Mode; holders: number };
  disposed: boolean;
}

type ComparedSnapshot = Pick<
  CircuitBreakerSnapshot,
  | 'state'
  | 'consecutiveFailures'
  | 'failureRate'
  | 'slowCallRate'
  | 'probesInFlight'
  | 'retryAfterMs'
  | 'calls'
  | 'failures'
  | 'successes'
  | 'slowCalls'
  | 'lastFailureAt'
  | 'stateChangedAt'
  | 'timeInStateMs'
>;

const comparedFields: (keyof ComparedSnapshot)[] = [
  'state',
  'consecutiveFailures',
  'failureRate',
  'slowCallRate',
  'probesInFlight',
  'retryAfterMs',
  'calls',
  'failures',
  'successes',
  'slowCalls',
  'lastFailureAt',
  'stateChangedAt',
  'timeInStateMs',
];

class BreakerModel {
  now: number;
  state: CircuitStateName = 'closed';
  /** A new epoch starts with every state change; outcomes of calls admitted in another epoch are ignored. */
  epoch = 0;
  stateChangedAt: number;
  openUntil = 0;
  reopenCount = 0;
  lastFailureAt: number | null = null;
  probes: ModelLease[] = [];
  probeSuccesses = 0;
  successesInState = 0;
  failuresInState = 0;
  consecutive = 0;
  readonly failureRate: RateModel | undefined;
  readonly slowCallRate: RateModel | undefined;
  override: { mode: Mode; holders: number } | undefined;
  readonly transitions: string[] = [];
  #nextLease = 1;

  constructor(readonly config: ModelConfig) {
    this.now = config.startAt;
    this.stateChangedAt = config.startAt;
    this.failureRate = config.failureRate && new RateModel(config.failureRate, 'failure');
    this.slowCallRate = config.slowCallRate && new RateModel(config.slowCallRate, 'slow');
  }

  admit(): ModelAdmission {
    const { state, now, config } = this;
    if (state === 'closed' || state === 'disabled' || state === 'metrics-only') {
      return { admitted: true, ticket: { kind: 'call', epoch: this.epoch } };
    }
    if (state === 'isolated') return { admitted: false, reason: 'isolated', retryAfterMs: config.recoveryTimeout };
    if (state === 'open') {
      if (now < this.openUntil) return { admitted: false, reason: 'open', retryAfterMs: this.openUntil - now };
      this.#transition('half-open');
    }
    const live = this.liveProbes();
    if (live.length >= config.maxProbes) {
      const earliest = Math.min(...live.map((lease) => lease.deadline));
      return { admitted: false, reason: 'half-open-full', retryAfterMs: Math.max(0, Math.min(earliest - now, config.recoveryTimeout)) };
    }
    const lease = { id: this.#nextLease++, deadline: now + config.probeTimeout };
    this.probes.push(lease);
    return { admitted: true, ticket: { kind: 'probe', lease } };
  }

  liveProbes(): ModelLease[] {
    return this.probes.filter((lease) => lease.deadline > this.now);
  }

  settle(ticket: ModelTicket, verdict: Verdict, startedAt: number): void {
    const slow = this.slowCallRate !== undefined && this.now - startedAt >= this.config.slowCallRate!.slowCallDuration;
    if (ticket.kind === 'call') this.#settleCall(ticket.epoch, verdict, slow);
    else this.#settleProbe(ticket.lease, verdict, slow);
  }

  #settleCall(epoch: number, verdict: Verdict, slow: boolean): void {
    if (epoch !== this.epoch || verdict === 'release' || this.state === 'disabled') return;
    const failure = verdict === 'failure';
    if (failure) {
      this.failuresInState++;
      this.lastFailureAt = this.now;
    } else {
      this.successesInState++;
    }
    let tripped = false;
    if (this.config.consecutiveFailures !== undefined) {
      this.consecutive = failure ? this.consecutive + 1 : 0;
      if (this.consecutive >= this.config.consecutiveFailures) tripped = true;
    }
    if (this.failureRate?.record(this.now, failure, slow)) tripped = true;
    if (this.slowCallRate?.record(this.now, failure, slow)) tripped = true;
    if (tripped && this.state === 'closed') this.#transition('open');
  }

  #settleProbe(lease: ModelLease, verdict: Verdict, slow: boolean): void {
    // A lease past its deadline has freed its slot; its outcome is ignored, as is one from an earlier half-open period.
    if (this.state !== 'half-open' || !this.probes.includes(lease) || lease.deadline <= this.now) return;
    this.probes = this.probes.filter((l) => l !== lease);
    if (verdict === 'release') return;
    if (verdict === 'success' && !slow) {
      this.successesInState++;
      if (++this.probeSuccesses >= this.config.successThreshold) this.#transition('closed');
      return;
    }
    this.failuresInState++;
    if (verdict === 'failure') this.lastFailureAt = this.now;
    this.reopenCount++;
    this.#transition('open');
  }

  reset(): void {
    this.override = undefined;
    // While closed, a reset clears the counts without a state change, so no new epoch starts: calls
    // admitted before it still count when they settle (as the implementation does; the listed semantics are silent).
    if (this.state === 'closed') this.#clearCounts();
    else this.#transition('closed');
  }

  hold(mode: Mode): ModelHold {
    if (this.override?.mode !== mode) {
      this.override = { mode, holders: 0 };
      if (this.state !== modeState[mode]) this.#transition(modeState[mode]);
    }
    this.override.holders++;
    return { override: this.override, disposed: false };
  }

  dispose(hold: ModelHold): void {
    if (hold.disposed) return;
    hold.disposed = true;
    if (this.override !== hold.override || --hold.override.holders > 0) return;
    this.reset();
  }

  snapshot(): ComparedSnapshot {
    const now = this.now;
    const fw = this.failureRate?.window.figures(now);
    const sw = this.slowCallRate?.window.figures(now);
    const window = fw ?? sw;
    const calls = window ? window.calls : this.successesInState + this.failuresInState;
    // Successes and failures are read from the same place as calls.
    const failures = window ? window.failures : this.failuresInState;
    const live = this.state === 'half-open' ? this.liveProbes() : [];
    return {
      state: this.state,
      consecutiveFailures: this.consecutive,
      failureRate: fw && fw.calls > 0 ? fw.failures / fw.calls : null,
      slowCallRate: sw && sw.calls > 0 ? sw.slowCalls / sw.calls : null,
      probesInFlight: live.length,
      retryAfterMs: this.#retryAfterMs(live),
      calls,
      failures,
      successes: calls - failures,
      slowCalls: sw ? sw.slowCalls : 0,
      lastFailureAt: this.lastFailureAt,
      stateChangedAt: this.stateChangedAt,
      timeInStateMs: now - this.stateChangedAt,
    };
  }

  /** "Milliseconds until a call may be admitted again; 0 when calls are admitted now." */
  #retryAfterMs(live: ModelLease[]): number {
    switch (this.state) {
      case 'closed':
      case 'disabled':
      case 'metrics-only':
        return 0;
      case 'isolated':
        return this.config.recoveryTimeout;
      case 'open':
        return Math.max(0, this.openUntil - this.now);
      case 'half-open': {
        if (live.length < this.config.maxProbes) return 0;
        const earliest = Math.min(...live.map((lease) => lease.deadline));
        return Math.max(0, Math.min(earliest - this.now, this.config.recoveryTimeout));
      }
    }
  }

  #transition(to: CircuitStateName): void {
    const from = this.state;
    this.state = to;
    this.epoch++;
    this.stateChangedAt = this.now;
    this.successesInState = 0;
    this.failuresInState = 0;
    this.probeSuccesses = 0;
    this.probes = [];
    if (to === 'open') this.openUntil = this.now + this.#openDuration();
    if (to === 'closed') this.#clearCounts();
    this.transitions.push(`${from}->${to}@${this.now}`);
  }

  #openDuration(): number {
    const { recoveryTimeout, backoff } = this.config;
    if (backoff === undefined || this.reopenCount === 0) return recoveryTimeout;
    return Math.min(recoveryTimeout * backoff.multiplier ** this.reopenCount, backoff.maxRecoveryTimeout);
  }

  #clearCounts(): void {
    this.reopenCount = 0;
    this.successesInState = 0;
    this.failuresInState = 0;
    this.consecutive = 0;
    this.failureRate?.window.clear();
    this.slowCallRate?.window.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

type Delay = { kind: 'none' } | { kind: 'ms'; ms: number } | { kind: 'slow'; delta: number };

type Command =
  | { k: 'advance'; ms: number }
  | { k: 'advanceToOpenUntil'; delta: number }
  | { k: 'advanceToLeaseDeadline'; pick: number; delta: number }
  | { k: 'advanceToWindowExpiry'; delta: number }
  | { k: 'advanceToTimeout'; pick: number; delta: number }
  | { k: 'acquire' }
  | { k: 'execute' }
  | { k: 'settle'; pick: number | 'newest'; how: How; delay: Delay }
  | { k: 'settleAgain'; pick: number; how: How }
  | { k: 'reset' }
  | { k: 'hold'; mode: Mode }
  | { k: 'dispose'; pick: number };

const howArb: fc.Arbitrary<How> = fc.oneof(
  { arbitrary: fc.constantFrom<How>('success', 'failure'), weight: 8 },
  { arbitrary: fc.constantFrom<How>('release', 'ignored', 'benign', 'badResult', 'explode', 'explodeResult'), weight: 2 },
);

const delayArb: fc.Arbitrary<Delay> = fc.oneof(
  { arbitrary: fc.constant<Delay>({ kind: 'none' }), weight: 5 },
  { arbitrary: fc.integer({ min: 1, max: 3_000 }).map((ms): Delay => ({ kind: 'ms', ms })), weight: 2 },
  // Settle when the call has taken exactly slowCallDuration - 1, exactly slowCallDuration, or longer.
  { arbitrary: fc.constantFrom(-1, 0, 0, 1, 50).map((delta): Delay => ({ kind: 'slow', delta })), weight: 3 },
);

const pickArb = fc.nat({ max: 1_000 });
const deltaArb = fc.constantFrom(-1, 0, 0, 1);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  // withCrossShrink and `advance` first: shrinking turns commands a failure does not need into
  // `advance 0`, a no-op that the trace leaves out (the array cannot shrink below 50 commands).
  { withCrossShrink: true },
  {
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 6_000 }))
      .map((ms): Command => ({ k: 'advance', ms })),
    weight: 5,
  },
  { arbitrary: deltaArb.map((delta): Command => ({ k: 'advanceToOpenUntil', delta })), weight: 3 },
  { arbitrary: fc.record({ pick: pickArb, delta: deltaArb }).map((c): Command => ({ k: 'advanceToLeaseDeadline', ...c })), weight: 2 },
  { arbitrary: deltaArb.map((delta): Command => ({ k: 'advanceToWindowExpiry', delta })), weight: 1 },
  { arbitrary: fc.record({ pick: pickArb, delta: deltaArb }).map((c): Command => ({ k: 'advanceToTimeout', ...c })), weight: 1 },
  { arbitrary: fc.constant<Command>({ k: 'acquire' }), weight: 8 },
  { arbitrary: fc.constant<Command>({ k: 'execute' }), weight: 4 },
  { arbitrary: fc.record({ pick: pickArb, how: howArb, delay: delayArb }).map((c): Command => ({ k: 'settle', ...c })), weight: 8 },
  // The newest call: in half-open that is usually a probe.
  {
    arbitrary: fc.record({ how: howArb, delay: delayArb }).map((c): Command => ({ k: 'settle', pick: 'newest', ...c })),
    weight: 4,
  },
  { arbitrary: fc.record({ pick: pickArb, how: howArb }).map((c): Command => ({ k: 'settleAgain', ...c })), weight: 2 },
  { arbitrary: fc.constant<Command>({ k: 'reset' }), weight: 1 },
  { arbitrary: fc.constantFrom<Mode>('isolate', 'disable', 'metricsOnly').map((mode): Command => ({ k: 'hold', mode })), weight: 1 },
  { arbitrary: pickArb.map((pick): Command => ({ k: 'dispose', pick })), weight: 2 },
);

function describeCommand(c: Command): string {
  switch (c.k) {
    case 'settle':
      return `settle #${c.pick} ${c.how}${c.delay.kind === 'none' ? '' : ` after ${JSON.stringify(c.delay)}`}`;
    case 'settleAgain':
      return `settleAgain #${c.pick} ${c.how}`;
    default:
      return JSON.stringify(c);
  }
}

// ---------------------------------------------------------------------------------------------
// The interpreter
// ---------------------------------------------------------------------------------------------

interface Call {
  id: number;
  form: 'permit' | 'execute';
  ticket: ModelTicket;
  startedAt: number;
  settled: boolean;
  /** For execute() with the `timeout` option: when the call times out unless settled first. */
  timeoutAt?: number;
  permit?: Permit;
  finish?: (how: How) => void;
}

/** Counts of what the runs reached, to make sure the property is not vacuous. */
interface Coverage {
  runs: number;
  commands: number;
  transitions: Map<string, number>;
  rejections: Map<string, number>;
  lateProbeSettlements: number;
  staleSettlements: number;
  slowOutcomes: number;
  backoffReopens: number;
  timeouts: number;
}

function newCoverage(): Coverage {
  return {
    runs: 0,
    commands: 0,
    transitions: new Map(),
    rejections: new Map(),
    lateProbeSettlements: 0,
    staleSettlements: 0,
    slowOutcomes: 0,
    backoffReopens: 0,
    timeouts: 0,
  };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

class Divergence extends Error {}

async function runModel(config: ModelConfig, commands: Command[], coverage: Coverage): Promise<void> {
  const clock = new ManualClock(config.startAt);
  const breaker: CircuitBreaker = circuitBreaker(toOptions(config, clock));
  const model = new BreakerModel(config);
  const actualTransitions: string[] = [];
  breaker.onStateChange((change) => actualTransitions.push(`${change.from}->${change.to}@${change.at}`));
  if (config.listeners) {
    breaker.onSuccess(() => undefined);
    breaker.onFailure(() => undefined);
    breaker.onSlowCall(() => undefined);
    breaker.onReject(() => undefined);
  }
  const calls: Call[] = [];
  const holds: { disposable: Disposable; model: ModelHold }[] = [];
  const trace: string[] = [];
  let nextCallId = 0;
  coverage.runs++;

  const fail = (message: string): never => {
    throw new Divergence(
      `${message}\n  config: ${JSON.stringify(config)}\n  trace (commands that did nothing omitted):\n    ${trace.join('\n    ')}`,
    );
  };
  const check = (what: string, actual: unknown, expected: unknown): void => {
    if (!Object.is(actual, expected)) fail(`${what}: breaker ${JSON.stringify(actual)}, model ${JSON.stringify(expected)}`);
  };

  /**
   * Moves both clocks; false when there was nothing to move. The breaker's clock moves with
   * advanceAsync, so that a call timing out settles at its deadline; the model settles its timed-out
   * calls in deadline order (ties in admission order, as the ManualClock fires them).
   */
  const advance = async (ms: number): Promise<boolean> => {
    if (ms <= 0) return false;
    const target = model.now + ms;
    await clock.advanceAsync(ms);
    for (;;) {
      const due = calls
        .filter((c) => !c.settled && c.timeoutAt !== undefined && c.timeoutAt <= target)
        .sort((a, b) => a.timeoutAt! - b.timeoutAt! || a.id - b.id)[0];
      if (due === undefined) break;
      model.now = due.timeoutAt!;
      due.settled = true;
      coverage.timeouts++;
      countLateOrStale(due);
      model.settle(due.ticket, 'failure', due.startedAt);
      trace.push(`@${model.now}   (execute #${due.id} timed out)`);
    }
    model.now = target;
    check('clock', clock.now(), target);
    return true;
  };
  const countLateOrStale = (call: Call): void => {
    const ticket = call.ticket;
    if (ticket.kind === 'probe' && ticket.lease.deadline <= model.now && model.probes.includes(ticket.lease)) coverage.lateProbeSettlements++;
    if (ticket.kind === 'call' && ticket.epoch !== model.epoch) coverage.staleSettlements++;
    if (config.slowCallRate && model.now - call.startedAt >= config.slowCallRate.slowCallDuration) coverage.slowOutcomes++;
  };

  const admit = async (form: 'permit' | 'execute'): Promise<void> => {
    const expected = model.admit();
    const id = nextCallId++;
    if (form === 'permit') {
      const admission = await breaker.acquire();
      check(`acquire #${id} admitted`, admission.admitted, expected.admitted);
      if (admission.admitted && expected.admitted) {
        calls.push({ id, form, ticket: expected.ticket, startedAt: model.now, settled: false, permit: admission });
        trace[trace.length - 1] += ` -> permit #${id} (${expected.ticket.kind})`;
      } else if (!admission.admitted && !expected.admitted) {
        check('rejection code', admission.code, 'ERR_CIRCUIT_OPEN');
        check('rejection reason', admission.reason, expected.reason);
        check('rejection retryAfterMs', admission.retryAfterMs, expected.retryAfterMs);
        check('rejection error class', admission.error instanceof CircuitOpenError, true);
        check('rejection error reason', (admission.error as CircuitOpenError).reason, expected.reason);
        check('rejection error retryAfterMs', (admission.error as CircuitOpenError).retryAfterMs, expected.retryAfterMs);
        bump(coverage.rejections, expected.reason);
        trace[trace.length - 1] += ` -> rejected (${expected.reason}, ${expected.retryAfterMs} ms)`;
      }
      return;
    }
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const gate = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const abort = new AbortController();
    let ran = false;
    let outcome: { ok: boolean; value: unknown } | undefined;
    breaker
      .execute(
        () => {
          ran = true;
          return gate;
        },
        { signal: abort.signal },
      )
      .then(
        (value) => (outcome = { ok: true, value }),
        (error: unknown) => (outcome = { ok: false, value: error }),
      );
    check(`execute #${id} ran`, ran, expected.admitted);
    if (expected.admitted) {
      const finish = (how: How): void => {
        if (how === 'release') {
          abort.abort(new TestError('aborted'));
          reject(new TestError('aborted'));
        } else if (how === 'success' || how === 'badResult' || how === 'explodeResult') {
          resolve(how === 'success' ? 'ok' : how === 'badResult' ? 'bad' : 'explode');
        } else {
          reject(new TestError(how === 'failure' ? 'plain' : how));
        }
      };
      const call: Call = { id, form, ticket: expected.ticket, startedAt: model.now, settled: false, finish };
      if (config.timeout !== undefined) call.timeoutAt = model.now + config.timeout;
      calls.push(call);
      trace[trace.length - 1] += ` -> execute #${id} (${expected.ticket.kind})`;
    } else {
      await flushMicrotasks();
      const error = outcome?.value;
      check('execute rejected', outcome?.ok, false);
      check('execute rejection class', error instanceof CircuitOpenError, true);
      check('execute rejection code', (error as CircuitOpenError).code, 'ERR_CIRCUIT_OPEN');
      check('execute rejection reason', (error as CircuitOpenError).reason, expected.reason);
      check('execute rejection retryAfterMs', (error as CircuitOpenError).retryAfterMs, expected.retryAfterMs);
      bump(coverage.rejections, expected.reason);
      trace[trace.length - 1] += ` -> rejected (${expected.reason}, ${expected.retryAfterMs} ms)`;
    }
  };

  const settle = async (call: Call, how: How): Promise<void> => {
    call.settled = true;
    if (call.form === 'permit') {
      const permit = call.permit!;
      switch (how) {
        case 'success':
          permit.success();
          break;
        case 'badResult':
          permit.success('bad');
          break;
        case 'explodeResult':
          permit.success('explode');
          break;
        case 'release':
          permit.release();
          break;
        case 'failure':
          permit.failure(new TestError('plain'));
          break;
        default:
          permit.failure(new TestError(how));
      }
      check(`permit #${call.id} settled`, permit.settled, true);
    } else {
      call.finish!(how);
      await flushMicrotasks();
    }
    countLateOrStale(call);
    model.settle(call.ticket, verdictOf(how, config.classify), call.startedAt);
  };

  for (const command of commands) {
    coverage.commands++;
    trace.push(`@${model.now} ${describeCommand(command)}`);
    // Commands that turn out to do nothing are left out of the trace.
    let noop = false;
    switch (command.k) {
      case 'advance':
        noop = !(await advance(command.ms));
        break;
      case 'advanceToOpenUntil':
        noop = !(model.state === 'open' && (await advance(model.openUntil + command.delta - model.now)));
        break;
      case 'advanceToLeaseDeadline': {
        const live = model.liveProbes();
        noop = !(live.length > 0 && (await advance(live[command.pick % live.length]!.deadline + command.delta - model.now)));
        break;
      }
      case 'advanceToWindowExpiry': {
        const expiries = [model.failureRate, model.slowCallRate]
          .map((rate) => rate?.window.nextExpiry(model.now))
          .filter((t): t is number => t !== undefined);
        noop = !(expiries.length > 0 && (await advance(Math.min(...expiries) + command.delta - model.now)));
        break;
      }
      case 'advanceToTimeout': {
        const timing = calls.filter((c) => !c.settled && c.timeoutAt !== undefined);
        noop = !(timing.length > 0 && (await advance(timing[command.pick % timing.length]!.timeoutAt! + command.delta - model.now)));
        break;
      }
      case 'acquire':
        await admit('permit');
        break;
      case 'execute':
        await admit('execute');
        break;
      case 'settle': {
        const pending = calls.filter((c) => !c.settled);
        if (pending.length === 0) {
          noop = true;
          break;
        }
        const call = pending[command.pick === 'newest' ? pending.length - 1 : command.pick % pending.length]!;
        trace[trace.length - 1] += ` => ${call.form} #${call.id}`;
        const delay = command.delay;
        if (delay.kind === 'ms') await advance(delay.ms);
        else if (delay.kind === 'slow') {
          const slowMs = config.slowCallRate?.slowCallDuration ?? 100;
          await advance(call.startedAt + slowMs + delay.delta - model.now);
        }
        // No snapshot between the clock move and the settlement: nothing observes the breaker in between.
        if (call.settled) {
          // It timed out while the clock moved; finishing it now must change nothing.
          call.finish!(command.how);
          await flushMicrotasks();
          trace.push(`@${model.now}   (execute #${call.id} finished after its timeout)`);
        } else {
          await settle(call, command.how);
        }
        break;
      }
      case 'settleAgain': {
        const done = calls.filter((c) => c.settled && c.form === 'permit');
        if (done.length === 0) {
          noop = true;
          break;
        }
        const call = done[command.pick % done.length]!;
        trace[trace.length - 1] += ` => permit #${call.id}`;
        const permit = call.permit!;
        if (command.how === 'success') permit.success();
        else if (command.how === 'release') permit.release();
        else permit.failure(new TestError('plain'));
        check(`permit #${call.id} still settled`, permit.settled, true);
        break;
      }
      case 'reset':
        breaker.reset();
        model.reset();
        break;
      case 'hold': {
        const disposable =
          command.mode === 'isolate' ? breaker.isolate() : command.mode === 'disable' ? breaker.disable() : breaker.metricsOnly();
        holds.push({ disposable, model: model.hold(command.mode) });
        break;
      }
      case 'dispose': {
        if (holds.length === 0) {
          noop = true;
          break;
        }
        const hold = holds[command.pick % holds.length]!;
        trace[trace.length - 1] += ` => hold ${holds.indexOf(hold)}`;
        hold.disposable.dispose();
        model.dispose(hold.model);
        break;
      }
    }
    if (noop) trace.pop();

    check('state changes', actualTransitions.join(', '), model.transitions.join(', '));
    check('state getter', breaker.state, model.state);
    const actual = breaker.snapshot();
    const expected = model.snapshot();
    for (const field of comparedFields) check(`snapshot.${field}`, actual[field], expected[field]);
  }
  for (const t of model.transitions) bump(coverage.transitions, t.slice(0, t.indexOf('@')));
  if (model.transitions.some((t) => t.startsWith('half-open->open')) && config.backoff) coverage.backoffReopens++;
  breaker.close();
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

const commandsArb = fc.array(commandArb, { minLength: 50, maxLength: 80 });

describe('circuit breaker against a reference model', () => {
  it('agrees with the model over random configurations and command sequences (1,000 runs x 50-80 commands)', async () => {
    const coverage = newCoverage();
    await fc.assert(
      fc.asyncProperty(configArb, commandsArb, async (config, commands) => {
        await runModel(config, commands, coverage);
      }),
      { numRuns: 1_000 },
    );
    // Guard against a vacuous property: the runs must have reached the interesting places.
    expect(coverage.runs).toBeGreaterThanOrEqual(1_000);
    expect(coverage.commands).toBeGreaterThanOrEqual(1_000 * 50);
    for (const t of ['closed->open', 'open->half-open', 'half-open->closed', 'half-open->open']) {
      expect(coverage.transitions.get(t) ?? 0, t).toBeGreaterThan(0);
    }
    for (const r of ['open', 'half-open-full', 'isolated']) expect(coverage.rejections.get(r) ?? 0, r).toBeGreaterThan(0);
    expect(coverage.slowOutcomes).toBeGreaterThan(0);
    expect(coverage.staleSettlements).toBeGreaterThan(0);
    expect(coverage.lateProbeSettlements).toBeGreaterThan(0);
    expect(coverage.timeouts).toBeGreaterThan(0);
    expect(coverage.backoffReopens).toBeGreaterThan(0);
  });

  // One property per family, so that each kind of trip condition gets its own 200 runs.
  const families: [string, fc.Arbitrary<Trip>][] = [
    ['consecutive failures only', consecutiveArb.map((n) => ({ family: 'consecutive', consecutiveFailures: n, failureRate: undefined, slowCallRate: undefined }))],
    ['failure rate over a count window', rateArb(countWindowArb).map((r) => ({ family: 'rate/count', consecutiveFailures: undefined, failureRate: r, slowCallRate: undefined }))],
    ['failure rate over a time window', rateArb(timeWindowArb).map((r) => ({ family: 'rate/time', consecutiveFailures: undefined, failureRate: r, slowCallRate: undefined }))],
    ['slow-call rate', slowRateArb(anyWindowArb).map((s) => ({ family: 'slow', consecutiveFailures: undefined, failureRate: undefined, slowCallRate: s }))],
  ];
  for (const [name, trip] of families) {
    it(`agrees with the model: ${name}`, async () => {
      const coverage = newCoverage();
      const arb = fc.tuple(configArb, trip).map(([config, t]) => ({ ...config, ...t }));
      await fc.assert(
        fc.asyncProperty(arb, commandsArb, async (config, commands) => {
          await runModel(config, commands, coverage);
        }),
        { numRuns: 200 },
      );
      expect(coverage.transitions.get('closed->open') ?? 0).toBeGreaterThan(0);
    });
  }
});

// Minimal reproductions of the divergences the model found, one per defect, so that each reads on its own.
describe('snapshot divergences found by the model', () => {
  async function halfOpenBreaker(): Promise<{ breaker: CircuitBreaker; probe: Permit }> {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({ name: 'retry-after', clock, trip: { consecutiveFailures: 1 }, recoveryTimeout: 1_000, maxProbes: 2 });
    ((await breaker.acquire()) as Permit).failure(new Error('down'));
    clock.advance(1_000);
    const probe = (await breaker.acquire()) as Permit;
    expect(probe.admitted).toBe(true);
    expect(breaker.state).toBe('half-open');
    return { breaker, probe };
  }

  // snapshot.retryAfterMs is documented as "0 when calls are admitted now".
  it('reports retryAfterMs 0 in half-open while one of two probe slots is free', async () => {
    const { breaker } = await halfOpenBreaker();
    const retryAfterMs = breaker.snapshot().retryAfterMs;
    expect((await breaker.acquire()).admitted).toBe(true); // a call is admitted now...
    expect(retryAfterMs).toBe(0); // ...but the snapshot said to wait (actual: 1000, the recovery timeout)
  });

  it('reports retryAfterMs 0 in half-open with no probe in flight', async () => {
    const { breaker, probe } = await halfOpenBreaker();
    probe.release();
    const snapshot = breaker.snapshot();
    expect(snapshot.probesInFlight).toBe(0);
    expect((await breaker.acquire()).admitted).toBe(true);
    expect(snapshot.retryAfterMs).toBe(0); // actual: 1000
  });

  // With only a slow-call window, calls come from that window but failures from the state's counters.
  it('reads failures and successes from the same window as calls when only slowCallRate is configured', async () => {
    const clock = new ManualClock(0);
    const breaker = circuitBreaker({
      name: 'slow-only',
      clock,
      trip: { slowCallRate: { threshold: 0.5, slowCallDuration: 100, window: { type: 'count', size: 2 } } },
    });
    for (let i = 0; i < 3; i++) ((await breaker.acquire()) as Permit).failure(new Error('fast failure'));
    expect(breaker.state).toBe('closed');
    const { calls, failures, successes } = breaker.snapshot();
    // Actual: { calls: 2, failures: 3, successes: -1 }.
    expect({ calls, failures, successes }).toEqual({ calls: 2, failures: 2, successes: 0 });
  });
});
