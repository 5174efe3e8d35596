import type { Executable } from '../policy/admission.js';
import { contextFor } from '../policy/call-context.js';

/**
 * Runs an admitted call and returns its promise. When `fn` returns a native promise, that very
 * promise is returned: admitting a call adds no promise of its own.
 */
export function runAdmitted<T>(fn: Executable<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    const result = fn(contextFor(signal));
    return result instanceof Promise ? (result as Promise<T>) : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Checks a call's cost: a whole number >= 0. */
export function checkedCost(factory: string, policy: string, cost: unknown): number {
  if (typeof cost === 'number' && Number.isSafeInteger(cost) && cost >= 0) return cost;
  throw new RangeError(`${factory} "${policy}": cost ${String(cost)}; expected an integer >= 0`);
}
