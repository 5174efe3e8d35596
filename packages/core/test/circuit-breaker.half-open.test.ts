/**
 * Half-open under pressure: a thousand concurrent callers, and probes that hang.
 * Time only moves through a ManualClock; nothing here waits on real time.
 */
import { describe, expect, it } from 'vitest';
import {
  CircuitOpenError,
  circuitBreaker,
  type Admission,
  type BreakerAdmission,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type Permit,
  type Rejection,
  type StateChange,
} from '../src/index.js';
import { ManualClock, flushMicrotasks } from '../src/testing/index.js';

const RECOVERY_MS = 1_000;
const PROBE_TIMEOUT_MS = 5_000;

function setup(overrides: Partial<CircuitBreakerOptions> = {}): {
  clock: ManualClock;
  breaker: CircuitBreaker;
  changes: string[];
} {
  const clock = new ManualClock(0);
  const breaker = circuitBreaker({
    name: 'half-open',
    clock,
    trip: { consecutiveFailures: 1 },
    recoveryTimeout: RECOVERY_MS,
    probeTimeout: PROBE_TIMEOUT_MS,
    ...overrides,
  });
  const changes: string[] = [];
  breaker.onStateChange((change: StateChange) => changes.push(`${change.from}->${change.to}@${change.at}`));
  return { clock, breaker, changes };
}

/** Trips the breaker with one failure, then moves the clock to the end of the open period. */
async function tripAndWaitOut(breaker: CircuitBreaker, clock: ManualClock): Promise<void> {
  const permit = await breaker.acquire();
  expect(permit.admitted).toBe(true);
  (permit as Permit).failure(new Error('dependency down'));
  expect(breaker.state).toBe('open');
  clock.advance(RECOVERY_MS);
}

/** A promise settled from outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function expectHalfOpenFull(error: unknown): void {
  expect(error).toBeInstanceOf(CircuitOpenError);
  expect((error as CircuitOpenError).code).toBe('ERR_CIRCUIT_OPEN');
  expect((error as CircuitOpenError).reason).toBe('half-open-full');
}

function asPermit(admission: Admission): Permit {
  expect(admission.admitted).toBe(true);
  return admission as Permit;
}

function asRejection(admission: Admission): Rejection {
  expect(admission.admitted).toBe(false);
  return admission as Rejection;
}

describe('half-open: 1,000 concurrent calls', () => {
  it('admits exactly maxProbes (3) of 1,000 concurrent execute() calls and closes after successThreshold (3) probes', async () => {
    const { clock, breaker, changes } = setup({ maxProbes: 3, successThreshold: 3 });
    await tripAndWaitOut(breaker, clock);
    let rejectEvents = 0;
    breaker.onReject((event) => {
      if (event.reason === 'half-open-full') rejectEvents++;
    });

    const gates = Array.from({ length: 1_000 }, () => deferred<number>());
    const ran: number[] = [];
    // Start all 1,000 without awaiting any of them.
    const calls = gates.map((gate, i) =>
      breaker
        .execute(() => {
          ran.push(i);
          return gate.promise;
        })
        .then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
    );

    expect(ran).toEqual([0, 1, 2]);
    expect(breaker.state).toBe('half-open');
    expect(breaker.snapshot().probesInFlight).toBe(3);
    expect(rejectEvents).toBe(997);

    // The 997 rejections settle on their own; the three probes are still running.
    await flushMicrotasks();
    const rejected = await Promise.all(calls.slice(3));
    for (const outcome of rejected) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expectHalfOpenFull(outcome.error);
    }
    expect(rejected).toHaveLength(997);
    expect(breaker.state).toBe('half-open');

    // Two successful probes are not enough...
    gates[0]!.resolve(0);
    gates[1]!.resolve(1);
    await flushMicrotasks();
    expect(breaker.state).toBe('half-open');
    expect(breaker.snapshot().probesInFlight).toBe(1);
    // ...the third one closes the breaker.
    gates[2]!.resolve(2);
    const probes = await Promise.all(calls.slice(0, 3));
    expect(probes).toEqual([
      { ok: true, value: 0 },
      { ok: true, value: 1 },
      { ok: true, value: 2 },
    ]);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed->open@0', `open->half-open@${RECOVERY_MS}`, `half-open->closed@${RECOVERY_MS}`]);
    const snapshot = breaker.snapshot();
    expect(snapshot.consecutiveFailures).toBe(0);
    expect(snapshot.probesInFlight).toBe(0);
    expect(snapshot.retryAfterMs).toBe(0);

    // Closed again: every call is admitted.
    await expect(breaker.execute(() => 'after')).resolves.toBe('after');
  });

  it('admits exactly maxProbes (3) of 1,000 concurrent acquire() calls', async () => {
    const { clock, breaker } = setup({ maxProbes: 3, successThreshold: 3 });
    await tripAndWaitOut(breaker, clock);

    const admissions = await Promise.all(Array.from({ length: 1_000 }, () => breaker.acquire()));
    const permits = admissions.filter((a): a is Permit => a.admitted);
    const rejections = admissions.filter((a): a is Exclude<BreakerAdmission, Permit> => !a.admitted);
    expect(permits).toHaveLength(3);
    expect(rejections).toHaveLength(997);
    for (const rejection of rejections) {
      expect(rejection.code).toBe('ERR_CIRCUIT_OPEN');
      expect(rejection.reason).toBe('half-open-full');
      expectHalfOpenFull(rejection.error);
    }
    permits[0]!.success();
    permits[1]!.success();
    expect(breaker.state).toBe('half-open');
    permits[2]!.success();
    expect(breaker.state).toBe('closed');
  });
});

describe('half-open: a hung probe (execute form)', () => {
  it('frees the slot at probeTimeout; a new probe closes the breaker; the late outcome is ignored', async () => {
    const { clock, breaker, changes } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const trippedAt = breaker.snapshot().lastFailureAt;

    const hungGate = deferred<string>();
    const hung = breaker.execute(() => hungGate.promise).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    expect(breaker.state).toBe('half-open');
    expect(breaker.snapshot().probesInFlight).toBe(1);

    // The slot is taken until the lease's deadline.
    const early = await breaker.execute(() => 'never runs').catch((error: unknown) => error);
    expectHalfOpenFull(early);
    expect((early as CircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((early as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(PROBE_TIMEOUT_MS);
    clock.advance(PROBE_TIMEOUT_MS - 1);
    expectHalfOpenFull(await breaker.execute(() => 'never runs').catch((error: unknown) => error));
    expect(breaker.snapshot().probesInFlight).toBe(1);

    // At the deadline the lease has expired and its slot is free.
    clock.advance(1);
    expect(breaker.snapshot().probesInFlight).toBe(0);
    await expect(breaker.execute(() => 'recovered')).resolves.toBe('recovered');
    expect(breaker.state).toBe('closed');

    // The hung probe finally fails: too late to count.
    hungGate.reject(new Error('late failure'));
    expect(await hung).toMatchObject({ ok: false });
    await flushMicrotasks();
    expect(breaker.state).toBe('closed');
    const snapshot = breaker.snapshot();
    expect(snapshot.consecutiveFailures).toBe(0);
    expect(snapshot.failures).toBe(0);
    expect(snapshot.lastFailureAt).toBe(trippedAt);
    expect(changes).toEqual([
      'closed->open@0',
      `open->half-open@${RECOVERY_MS}`,
      `half-open->closed@${RECOVERY_MS + PROBE_TIMEOUT_MS}`,
    ]);
    // Still closed: a call is admitted and counted normally.
    await expect(breaker.execute(() => 'ok')).resolves.toBe('ok');
  });

  it('ignores the hung probe settling late while its replacement is still running', async () => {
    const { clock, breaker } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const hungGate = deferred<string>();
    const hung = breaker.execute(() => hungGate.promise).catch((error: unknown) => error);
    clock.advance(PROBE_TIMEOUT_MS);

    const replacementGate = deferred<string>();
    const replacement = breaker.execute(() => replacementGate.promise);
    expect(breaker.snapshot().probesInFlight).toBe(1);

    // A late failure must not re-open the breaker...
    hungGate.reject(new Error('late failure'));
    await hung;
    await flushMicrotasks();
    expect(breaker.state).toBe('half-open');
    expect(breaker.snapshot().probesInFlight).toBe(1);

    // ...and the replacement probe decides.
    replacementGate.resolve('recovered');
    await expect(replacement).resolves.toBe('recovered');
    expect(breaker.state).toBe('closed');
  });

  it('ignores a late success of the hung probe after its replacement failed', async () => {
    const { clock, breaker } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const hungGate = deferred<string>();
    const hung = breaker.execute(() => hungGate.promise);
    clock.advance(PROBE_TIMEOUT_MS);
    expect(breaker.snapshot().probesInFlight).toBe(0);
    await expect(breaker.execute(() => Promise.reject(new Error('still down')))).rejects.toThrow('still down');
    expect(breaker.state).toBe('open');

    hungGate.resolve('late success');
    await expect(hung).resolves.toBe('late success');
    await flushMicrotasks();
    expect(breaker.state).toBe('open');
  });

  // Found by the model test: the lease is only dropped when something reads the probe count
  // (admit() or snapshot()), so a late settlement that nobody preceded is still counted.
  it('ignores the late outcome of an expired probe even when nothing observed the expiry (failure)', async () => {
    const { clock, breaker, changes } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const hungGate = deferred<string>();
    const hung = breaker.execute(() => hungGate.promise).catch((error: unknown) => error);
    clock.advance(PROBE_TIMEOUT_MS); // the lease expires; nobody calls or looks
    hungGate.reject(new Error('late failure'));
    await hung;
    await flushMicrotasks();
    // Expected: ignored, still half-open with a free slot. (Actual: re-opened by the late failure.)
    expect(changes).toEqual(['closed->open@0', `open->half-open@${RECOVERY_MS}`]);
    expect(breaker.state).toBe('half-open');
  });

  it('ignores the late outcome of an expired probe even when nothing observed the expiry (success)', async () => {
    const { clock, breaker, changes } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const hungGate = deferred<string>();
    const hung = breaker.execute(() => hungGate.promise);
    clock.advance(PROBE_TIMEOUT_MS);
    hungGate.resolve('late success');
    await hung;
    await flushMicrotasks();
    // Expected: ignored. (Actual: the late success closes the breaker.)
    expect(changes).toEqual(['closed->open@0', `open->half-open@${RECOVERY_MS}`]);
    expect(breaker.state).toBe('half-open');
  });
});

describe('half-open: a hung probe (permit form)', () => {
  it('frees the slot at probeTimeout; a new probe closes the breaker; the late outcome is ignored', async () => {
    const { clock, breaker, changes } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);

    const hung = asPermit(await breaker.acquire());
    expect(breaker.state).toBe('half-open');
    const early = asRejection(await breaker.acquire());
    expect(early.code).toBe('ERR_CIRCUIT_OPEN');
    expectHalfOpenFull(early.error);
    expect(early.retryAfterMs).toBeGreaterThan(0);
    expect(early.retryAfterMs).toBeLessThanOrEqual(PROBE_TIMEOUT_MS);

    clock.advance(PROBE_TIMEOUT_MS - 1);
    expectHalfOpenFull(asRejection(await breaker.acquire()).error);
    clock.advance(1);
    expect(breaker.snapshot().probesInFlight).toBe(0);

    const probe = asPermit(await breaker.acquire());
    expect(breaker.snapshot().probesInFlight).toBe(1);
    probe.success();
    expect(probe.settled).toBe(true);
    expect(breaker.state).toBe('closed');

    hung.failure(new Error('late failure'));
    expect(hung.settled).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    expect(breaker.snapshot().failures).toBe(0);
    // Settling again changes nothing either.
    hung.failure(new Error('again'));
    probe.failure(new Error('again'));
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    expect(changes).toEqual([
      'closed->open@0',
      `open->half-open@${RECOVERY_MS}`,
      `half-open->closed@${RECOVERY_MS + PROBE_TIMEOUT_MS}`,
    ]);
  });

  it('ignores a late failure while the replacement probe is running, and a late success after it failed', async () => {
    const { clock, breaker } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const first = asPermit(await breaker.acquire());
    clock.advance(PROBE_TIMEOUT_MS);
    const second = asPermit(await breaker.acquire());
    first.failure(new Error('late failure'));
    expect(breaker.state).toBe('half-open');
    expect(breaker.snapshot().probesInFlight).toBe(1);

    clock.advance(PROBE_TIMEOUT_MS);
    const third = asPermit(await breaker.acquire());
    third.failure(new Error('still down'));
    expect(breaker.state).toBe('open');
    second.success();
    expect(breaker.state).toBe('open');
  });

  it('frees one slot per expired lease with maxProbes 3, and a released probe frees its slot at once', async () => {
    const { clock, breaker } = setup({ maxProbes: 3, successThreshold: 2 });
    await tripAndWaitOut(breaker, clock);
    const a = asPermit(await breaker.acquire());
    clock.advance(10);
    const b = asPermit(await breaker.acquire());
    clock.advance(10);
    const c = asPermit(await breaker.acquire());
    expectHalfOpenFull(asRejection(await breaker.acquire()).error);

    c.release();
    const d = asPermit(await breaker.acquire());
    expectHalfOpenFull(asRejection(await breaker.acquire()).error);

    clock.advance(PROBE_TIMEOUT_MS - 20); // a's lease expires, b's and d's do not
    expect(breaker.snapshot().probesInFlight).toBe(2);
    const e = asPermit(await breaker.acquire());
    expectHalfOpenFull(asRejection(await breaker.acquire()).error);

    a.success(); // expired: ignored
    b.success();
    expect(breaker.state).toBe('half-open');
    d.success();
    expect(breaker.state).toBe('closed');
    e.failure(new Error('from the previous half-open period'));
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
  });

  // Found by the model test, as for the execute form above.
  it('ignores the late outcome of an expired probe even when nothing observed the expiry', async () => {
    const { clock, breaker, changes } = setup({ maxProbes: 1, successThreshold: 1 });
    await tripAndWaitOut(breaker, clock);
    const hung = asPermit(await breaker.acquire());
    clock.advance(PROBE_TIMEOUT_MS);
    hung.failure(new Error('late failure'));
    // Expected: ignored. (Actual: the late failure re-opens the breaker, with a new open period.)
    expect(changes).toEqual(['closed->open@0', `open->half-open@${RECOVERY_MS}`]);
    expect(breaker.state).toBe('half-open');
  });
});
