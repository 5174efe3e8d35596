import type { ExecutionContext } from './admission.js';

/** A signal that never aborts, shared by every call that has neither a caller signal nor a timeout. */
export const neverAbortedSignal: AbortSignal = new AbortController().signal;

/** The context handed to calls that have no timeout: the caller's signal, or one that never aborts. */
export const passiveContext: ExecutionContext = Object.freeze({ signal: neverAbortedSignal });

/** The context for a call with no timeout of its own. */
export function contextFor(signal: AbortSignal | undefined): ExecutionContext {
  return signal ? { signal } : passiveContext;
}
