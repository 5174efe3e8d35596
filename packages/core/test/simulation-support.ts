/**
 * Helpers shared by the fault-tolerance policy tests (bulkhead, timeout, retry, fallback, pipeline)
 * and the deterministic simulation: a seeded random source and settling helpers. The invalid-option
 * table helpers live in config-support.ts.
 */

/** mulberry32: a tiny seeded PRNG returning numbers in [0, 1). Same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The promise's value or the error it rejected with. */
export async function settle<T>(promise: PromiseLike<T>): Promise<T | unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

/** Tracks a promise's outcome without awaiting it. */
export function track<T>(promise: PromiseLike<T>): { state: 'pending' | 'resolved' | 'rejected'; value: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; value: unknown } = { state: 'pending', value: undefined };
  promise.then(
    (value) => Object.assign(outcome, { state: 'resolved', value }),
    (error: unknown) => Object.assign(outcome, { state: 'rejected', value: error }),
  );
  return outcome;
}

/** A promise settled from outside. */
export function deferred<T = unknown>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

