/**
 * Every benchmark case, grouped by path. A case builds its subject lazily (right before it is
 * measured, so an open breaker cannot drift to half-open and a rolling window holds exactly what the
 * case put in it), returns the function mitata times, and checks afterwards that the subject did what
 * the case claims (stayed closed, stayed open, rejected without calling the function, ...).
 *
 * Every measured function has the same shape within a path, so the only difference between a case
 * and its baseline is the wrapper:
 *   success:          async () => { if ((await X) !== 1) bad++; }
 *   reject / failure: async () => { try { await X; } catch (error) { lastError = error; } }
 * The result is always consumed (compared, or kept in a module-level variable), so nothing can be
 * dropped as dead code, and `bad` / `lastError` are checked once the case has been measured.
 */
import { circuitBreaker } from '@breakwater/core';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker as cockatielBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { FloorBreaker } from './floor.mjs';
import { NEVER, neverTrippingTimeWindow } from './subjects.mjs';

/** Calls run before mitata starts measuring a case. */
export const WARM_CALLS = 20_000;
/** Successes recorded in the window before the failure-path growth cases are measured. */
export const GROWTH_LEVELS = [0, 10_000, 100_000];

const ok = async () => 1;
const FAILURE = new Error('dependency failed (made once, reused)');
const fail = async () => {
  throw FAILURE;
};
const FLOOR_REJECTION = new Error('floor breaker is open (made once, reused)');
const HOUR_MS = 3_600_000;

let bad = 0;
let lastError;
let breakerSerial = 0;
const uniqueName = (base) => `${base}-${++breakerSerial}`;

/** Measured-function factories: one per shape, so a warm-up on one subject warms the same code for another. */
const successRun = (call) => async () => {
  if ((await call()) !== 1) bad++;
};
const catchRun = (call) => async () => {
  try {
    await call();
  } catch (error) {
    lastError = error;
  }
};

async function repeat(times, fn) {
  for (let i = 0; i < times; i++) await fn();
}

/** Checks for the success path: every call returned 1. */
function expectAllSucceeded() {
  const failures = bad;
  bad = 0;
  return failures === 0 ? null : `${failures} calls did not return 1`;
}

/** Checks for the failure path: the last call reached the function and its error came back unchanged. */
function expectFunctionError(stillClosed) {
  if (lastError !== FAILURE) return `last error was ${String(lastError)}, expected the function's own error`;
  return stillClosed() ? null : 'the breaker opened during a failure-path case';
}

/** Checks for the open path: the last call was turned away by the breaker, with its own error. */
function expectRejection(isRejection, stillOpen) {
  if (lastError === FAILURE || lastError === undefined) return 'the function ran: the breaker was not open';
  if (!isRejection(lastError)) return `unexpected rejection ${String(lastError)}`;
  return stillOpen() ? null : 'the breaker left the open state during the case';
}

// ---------- subjects ----------

const cockatielConsecutive = (threshold, halfOpenAfter) =>
  cockatielBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(threshold) });

const opossum = (fn, options) => new Opossum(fn, options);

// ---------- success path (`async () => 1`) ----------

/** A success-path case: `call()` runs `ok` through the subject. */
function successCase(key, label, kind, make) {
  return {
    key: `success/${key}`,
    group: 'success',
    label,
    kind,
    baseline: key === 'bare' ? null : 'success/bare',
    async setup() {
      const { call, teardown } = make();
      const run = successRun(call);
      bad = 0;
      await repeat(WARM_CALLS, run);
      return { run, check: expectAllSucceeded, teardown };
    },
  };
}

const successCases = [
  successCase('bare', 'bare `await fn()`', 'baseline', () => ({ call: ok })),
  successCase('floor', 'floor: hand-written consecutive breaker', 'floor', () => {
    const breaker = new FloorBreaker(5, 10_000, FLOOR_REJECTION);
    return { call: () => breaker.execute(ok) };
  }),
  successCase('cockatiel', 'cockatiel `circuitBreaker(handleAll, ConsecutiveBreaker(5))`', 'peer', () => {
    const breaker = cockatielConsecutive(5, 10_000);
    return { call: () => breaker.execute(ok) };
  }),
  successCase('opossum', 'opossum `fire()`, defaults (10 s timeout timer per call)', 'peer', () => {
    const breaker = opossum(ok);
    return { call: () => breaker.fire(), teardown: () => breaker.shutdown() };
  }),
  successCase('opossum-no-timeout', 'opossum `fire()`, `timeout: false`', 'peer', () => {
    const breaker = opossum(ok, { timeout: false });
    return { call: () => breaker.fire(), teardown: () => breaker.shutdown() };
  }),
  successCase('breakwater', 'Breakwater `execute`, consecutiveFailures 5', 'breakwater', () => {
    const breaker = circuitBreaker({ name: uniqueName('success'), trip: { consecutiveFailures: 5 } });
    return { call: () => breaker.execute(ok) };
  }),
  successCase('breakwater-count-window', 'Breakwater `execute`, failureRate over a count window of 100', 'breakwater', () => {
    const breaker = circuitBreaker({
      name: uniqueName('success-count'),
      trip: { failureRate: { threshold: 0.5, window: { type: 'count', size: 100 } } },
    });
    return { call: () => breaker.execute(ok) };
  }),
  successCase('breakwater-time-window', 'Breakwater `execute`, failureRate over a 10 s time window', 'breakwater', () => {
    const breaker = circuitBreaker({
      name: uniqueName('success-time'),
      trip: { failureRate: { threshold: 0.5, window: { type: 'time', duration: '10s', buckets: 10 } } },
    });
    return { call: () => breaker.execute(ok) };
  }),
  successCase('breakwater-permit', 'Breakwater permit: `acquire()`, `await fn()`, `success()`', 'breakwater', () => {
    const breaker = circuitBreaker({ name: uniqueName('success-permit'), trip: { consecutiveFailures: 5 } });
    const call = async () => {
      const permit = breaker.acquire(); // synchronous with the in-process store
      if (!permit.admitted) return 0;
      let value;
      try {
        value = await ok();
      } catch (error) {
        permit.failure(error);
        throw error;
      }
      permit.success();
      return value;
    };
    return { call };
  }),
];

// ---------- open path: rejection without running the function ----------

function failingBaseline(group) {
  return {
    key: `${group}/bare`,
    group,
    label: 'bare `try { await failingFn() } catch {}`',
    kind: 'baseline',
    baseline: null,
    async setup() {
      const run = catchRun(fail);
      lastError = undefined;
      await repeat(WARM_CALLS, run);
      return { run, check: () => (lastError === FAILURE ? null : 'baseline did not see the error') };
    },
  };
}

/** An open-path case: `make()` returns a subject already tripped open, and how to recognise its rejection. */
function rejectCase(key, label, kind, make) {
  return {
    key: `reject/${key}`,
    group: 'reject',
    label,
    kind,
    baseline: 'reject/bare',
    async setup() {
      const { call, trip, isOpen, isRejection, teardown } = make();
      await trip();
      if (!isOpen()) throw new Error(`${key}: could not trip the breaker open`);
      const run = catchRun(call);
      lastError = undefined;
      await repeat(WARM_CALLS, run);
      return { run, check: () => expectRejection(isRejection, isOpen), teardown };
    },
  };
}

const rejectCases = [
  failingBaseline('reject'),
  rejectCase('floor', 'floor: hand-written breaker, open, rejects with a reused error', 'floor', () => {
    const breaker = new FloorBreaker(5, HOUR_MS, FLOOR_REJECTION);
    return {
      call: () => breaker.execute(ok),
      trip: () => repeat(5, catchRun(() => breaker.execute(fail))),
      isOpen: () => breaker.openUntil !== 0,
      isRejection: (error) => error === FLOOR_REJECTION,
    };
  }),
  rejectCase('cockatiel', 'cockatiel breaker, open (`BrokenCircuitError`)', 'peer', () => {
    const breaker = cockatielConsecutive(5, HOUR_MS);
    return {
      call: () => breaker.execute(ok),
      trip: () => repeat(5, catchRun(() => breaker.execute(fail))),
      isOpen: () => breaker.state === CircuitState.Open,
      isRejection: (error) => error instanceof BrokenCircuitError,
    };
  }),
  rejectCase('opossum', 'opossum, open (`EOPENBREAKER`, no fallback)', 'peer', () => {
    const breaker = opossum(fail, { resetTimeout: HOUR_MS });
    return {
      call: () => breaker.fire(),
      trip: () => repeat(5, catchRun(() => breaker.fire())),
      isOpen: () => breaker.opened,
      isRejection: (error) => error?.code === 'EOPENBREAKER',
      teardown: () => breaker.shutdown(),
    };
  }),
  rejectCase('breakwater', 'Breakwater `execute`, open (`CircuitOpenError`)', 'breakwater', () => {
    const breaker = circuitBreaker({ name: uniqueName('open'), trip: { consecutiveFailures: 5 }, recoveryTimeout: '1h' });
    return {
      call: () => breaker.execute(ok),
      trip: () => repeat(5, catchRun(() => breaker.execute(fail))),
      isOpen: () => breaker.state === 'open',
      isRejection: (error) => error?.code === 'ERR_CIRCUIT_OPEN',
    };
  }),
  {
    key: 'reject/breakwater-acquire',
    group: 'reject',
    label: 'Breakwater `acquire()` while open (a rejection object, no error, no await)',
    kind: 'breakwater',
    baseline: null,
    async setup() {
      const breaker = circuitBreaker({ name: uniqueName('open-acquire'), trip: { consecutiveFailures: 5 }, recoveryTimeout: '1h' });
      await repeat(5, catchRun(() => breaker.execute(fail)));
      if (breaker.state !== 'open') throw new Error('could not trip the breaker open');
      let admitted = 0;
      let lastRetryAfter = -1;
      const run = async () => {
        const admission = breaker.acquire();
        if (admission.admitted) admitted++;
        else lastRetryAfter = admission.retryAfterMs;
      };
      await repeat(WARM_CALLS, run);
      return {
        run,
        check: () =>
          admitted === 0 && lastRetryAfter > 0 && breaker.state === 'open' ? null : `admitted ${admitted} calls while open`,
      };
    },
  },
];

// ---------- failure path while closed, and how it grows with the window ----------

/**
 * A failure-path case. The code paths are warmed on a throwaway subject of the same configuration,
 * then the measured subject gets `fill` successes (which sit in its rolling window, if it has one)
 * and is measured straight away.
 */
function failureCase(key, label, kind, make, { fill = 0, warmCalls = WARM_CALLS, unbatched = false, windowCalls } = {}) {
  return {
    key: `failure/${key}`,
    group: 'failure',
    label,
    kind,
    fill,
    unbatched,
    baseline: 'failure/bare',
    async setup() {
      const warm = make();
      const warmRun = catchRun(warm.failing);
      lastError = undefined;
      await repeat(warmCalls, warmRun);
      if (lastError !== FAILURE || !warm.isClosed()) throw new Error(`${key}: warm-up subject did not stay closed`);
      warm.teardown?.();

      const subject = make();
      await repeat(fill, subject.succeeding);
      if (windowCalls && windowCalls(subject) < fill) throw new Error(`${key}: the window holds fewer than ${fill} calls`);
      const run = catchRun(subject.failing);
      lastError = undefined;
      return { run, check: () => expectFunctionError(subject.isClosed), teardown: subject.teardown };
    },
  };
}

const floorFailing = () => {
  const breaker = new FloorBreaker(Number.POSITIVE_INFINITY, 10_000, FLOOR_REJECTION);
  return {
    failing: () => breaker.execute(fail),
    succeeding: () => breaker.execute(ok),
    isClosed: () => breaker.openUntil === 0,
  };
};

const cockatielFailing = () => {
  const breaker = cockatielConsecutive(NEVER, 10_000);
  return {
    failing: () => breaker.execute(fail),
    succeeding: () => breaker.execute(ok),
    isClosed: () => breaker.state === CircuitState.Closed,
  };
};

/** opossum never opens on a 100 % failure rate with `errorThresholdPercentage: 100` (it trips on rate > threshold). */
const opossumFailing = (options) => () => {
  // One action that can do both, so the same instance can be filled with successes and then fail.
  const breaker = opossum((shouldFail) => (shouldFail ? fail() : ok()), { errorThresholdPercentage: 100, ...options });
  return {
    failing: () => breaker.fire(true),
    succeeding: () => breaker.fire(false),
    isClosed: () => breaker.closed,
    teardown: () => breaker.shutdown(),
    breaker,
  };
};
const opossumWindowCalls = (subject) => subject.breaker.status.stats.fires;

const breakwaterFailing = (trip) => () => {
  const breaker = circuitBreaker({ name: uniqueName('failure'), trip });
  return {
    failing: () => breaker.execute(fail),
    succeeding: () => breaker.execute(ok),
    isClosed: () => breaker.state === 'closed',
    breaker,
  };
};
const breakwaterWindowCalls = (subject) => subject.breaker.snapshot().calls;

const levelName = (n) => (n === 0 ? '0' : `${n / 1000}k`);

const failureCases = [
  failingBaseline('failure'),
  failureCase('floor', 'floor: hand-written breaker, closed, fn throws', 'floor', floorFailing),
  failureCase('cockatiel', 'cockatiel breaker `ConsecutiveBreaker(∞)`, closed, fn throws', 'peer', cockatielFailing),
  failureCase('breakwater', 'Breakwater `execute`, consecutiveFailures ∞, fn throws', 'breakwater', breakwaterFailing({ consecutiveFailures: NEVER })),
  ...GROWTH_LEVELS.map((fill) =>
    failureCase(
      `breakwater-time-window@${levelName(fill)}`,
      `Breakwater \`execute\`, failureRate over a 10 s time window, fn throws, ${levelName(fill)} successes in window`,
      'breakwater',
      breakwaterFailing(neverTrippingTimeWindow),
      { fill, windowCalls: breakwaterWindowCalls },
    ),
  ),
  ...GROWTH_LEVELS.map((fill) =>
    failureCase(
      `opossum-no-percentiles@${levelName(fill)}`,
      `opossum, \`rollingPercentilesEnabled: false\` (threshold 100 %), fn throws, ${levelName(fill)} successes in window`,
      'peer',
      opossumFailing({ rollingPercentilesEnabled: false }),
      { fill, windowCalls: opossumWindowCalls },
    ),
  ),
  ...GROWTH_LEVELS.map((fill) =>
    failureCase(
      `opossum@${levelName(fill)}`,
      `opossum, defaults (\`errorThresholdPercentage: 100\`), fn throws, ${levelName(fill)} successes in window`,
      'peer',
      opossumFailing({}),
      // Each failure sorts every latency in the window, so the warm-up is kept short, and each call
      // is timed on its own (`unbatched`): with an empty window the first calls are fast enough for
      // mitata to batch 4,096 calls per sample, and the window would then grow by ~50k entries within
      // the case, which takes minutes.
      { fill, windowCalls: opossumWindowCalls, warmCalls: 1_000, unbatched: true },
    ),
  ),
];

export const GROUPS = ['success', 'reject', 'failure'];
export const CASES = [...successCases, ...rejectCases, ...failureCases];
