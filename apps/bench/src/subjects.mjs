/** Pieces that several benchmark scripts build their subjects from, so that they measure the same thing. */

/** A count never reached: a breaker with it as its threshold never opens. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * A breaker trip that never trips: a 100 % failure rate over a 10 s time window in 10 slices (which
 * an all-failure window could reach), judged only after {@link NEVER} calls. Its breaker reads the
 * clock on every call, as a time window does.
 */
export const neverTrippingTimeWindow = Object.freeze({
  failureRate: { threshold: 1, minimumCalls: NEVER, window: { type: 'time', duration: '10s', buckets: 10 } },
});

/** A clock that reads no time (always the same instant): what a policy costs apart from its clock read. */
export const fixedClock = Object.freeze({ now: () => 1_700_000_000_000, setTimeout: () => 0, clearTimeout: () => undefined });
