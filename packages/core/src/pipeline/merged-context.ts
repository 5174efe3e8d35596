import type { ExecutionContext } from '../policy/admission.js';
import { passiveContext } from '../policy/call-context.js';
import { AbortScope, type AbortSource, contextOf, handedOnSource, signalOf } from '../timeout/abort-scope.js';
import { neverAbortedSignal } from '../policy/call-context.js';

/** A context carrying fields beyond `signal` (a retry's `attempt`), or not. */
type Extras = object | undefined;

/** The abort source a policy's context hands on, read without building any AbortController. */
export function ownSource(context: ExecutionContext): AbortSource | undefined {
  if (context === passiveContext) return undefined;
  if (context instanceof AbortScope) return context;
  if (handedOnSource in context) return (context as { [handedOnSource]: AbortSource | undefined })[handedOnSource];
  // Another policy's plain context: its signal is plain data.
  return context.signal === neverAbortedSignal ? undefined : context.signal;
}

/** True when a context has enumerable fields other than `signal`. */
function hasExtras(context: ExecutionContext): boolean {
  if (context === passiveContext || context instanceof AbortScope) return false;
  for (const key in context) if (key !== 'signal') return true;
  return false;
}

/**
 * The extra fields gathered so far plus `context`'s: the first context with extras stands for them
 * itself (no copy); a second one merges both into a plain object (inner fields win).
 */
export function gatherExtras(extras: Extras, context: ExecutionContext): Extras {
  if (!hasExtras(context)) return extras;
  if (extras === undefined) return context;
  const merged: Record<string, unknown> = {};
  copyExtras(extras, merged);
  copyExtras(context, merged);
  return merged;
}

/** The context a pipeline's function receives: every policy's extra fields, and the innermost abort source's signal. */
export function finalContext(extras: Extras, innermost: ExecutionContext, source: AbortSource | undefined): ExecutionContext {
  if (extras === undefined) return ownSource(innermost) === source ? innermost : contextOf(source);
  if (extras === innermost && ownSource(innermost) === source) return innermost;
  return new MergedContext(extras, source);
}

/** Extra fields of the policies' contexts, as own fields, and the signal of the innermost abort source, built on first read. */
class MergedContext implements ExecutionContext {
  readonly #source: AbortSource | undefined;

  constructor(extras: object, source: AbortSource | undefined) {
    copyExtras(extras, this as unknown as Record<string, unknown>);
    this.#source = source;
  }

  get signal(): AbortSignal {
    return signalOf(this.#source);
  }

  get [handedOnSource](): AbortSource | undefined {
    return this.#source;
  }
}

function copyExtras(from: object, to: Record<string, unknown>): void {
  for (const key in from) if (key !== 'signal') to[key] = (from as Record<string, unknown>)[key];
}
