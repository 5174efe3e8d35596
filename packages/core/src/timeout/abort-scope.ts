import type { ExecuteOptions, ExecutionContext } from '../policy/admission.js';
import { neverAbortedSignal, passiveContext } from '../policy/call-context.js';

/**
 * Where a call's cancellation comes from: the caller's `AbortSignal`, or the {@link AbortScope} of a
 * policy further out (a timeout), which builds its AbortSignal only when something reads it. Both
 * answer `aborted` and `reason` the same way.
 */
export type AbortSource = AbortSignal | AbortScope;

/**
 * Key of the abort source a context hands on without being a scope itself (a retry's attempt
 * context): pipelines read it instead of `signal`, which would build the scope's AbortController.
 */
export const handedOnSource: unique symbol = Symbol('breakwater.handedOnSource');

/** Key under which options handed on by a pipeline carry the scope of a policy further out. */
const scopeKey: unique symbol = Symbol('breakwater.abortScope');

/** Options that may carry a scope handed on by a pipeline. */
type MaybeScopedOptions = ExecuteOptions & { readonly [scopeKey]?: AbortScope };

/**
 * A context whose call a policy may abort, with its AbortSignal built lazily: building an
 * AbortSignal costs about 3.5–4 µs on Node 20 (and aborting one that a DOMException reason must be
 * built for, about 10 µs more), which the success path should not pay when nobody listens.
 * Until `signal` is read, aborting only flips a flag and tells internal listeners; the scope follows
 * its parent (the caller's signal, or an outer scope) only once someone listens to it.
 */
export class AbortScope implements ExecutionContext {
  readonly #parent: AbortSource | undefined;
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  #listeners: (() => void)[] | undefined;
  #detachParent: (() => void) | undefined;

  constructor(parent: AbortSource | undefined) {
    this.#parent = parent;
  }

  /** True once this scope or any scope or signal it descends from has aborted. */
  get aborted(): boolean {
    return this.#aborted || (this.#parent !== undefined && this.#parent.aborted);
  }

  /** Why it aborted: its own reason, else its parent's; undefined while not aborted. */
  get reason(): unknown {
    if (this.#aborted) return this.#reason;
    return this.#parent?.aborted === true ? this.#parent.reason : undefined;
  }

  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    if (this.aborted) controller.abort(this.reason);
    else this.#follow();
    return controller.signal;
  }

  /** Aborts the scope; a no-op after the first time. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#unfollow();
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }

  /**
   * Calls `listener` once when the scope aborts, without building an AbortSignal. Check `aborted`
   * first: a scope that has already aborted does not call it. Returns the unsubscribe function.
   */
  onAbort(listener: () => void): () => void {
    (this.#listeners ??= []).push(listener);
    this.#follow();
    return () => {
      const index = this.#listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.#listeners!.splice(index, 1);
    };
  }

  /** The call has ended: stop following the parent. */
  dispose(): void {
    this.#unfollow();
  }

  #follow(): void {
    const parent = this.#parent;
    if (parent === undefined || this.#detachParent !== undefined || this.#aborted) return;
    if (parent.aborted) {
      this.abort(parent.reason);
      return;
    }
    this.#detachParent = onAbort(parent, () => this.abort(parent.reason));
  }

  #unfollow(): void {
    const detach = this.#detachParent;
    if (detach === undefined) return;
    this.#detachParent = undefined;
    detach();
  }
}

/** Calls `listener` once when `source` aborts; `source` must not have aborted yet. Returns the unsubscribe. */
export function onAbort(source: AbortSource, listener: () => void): () => void {
  if (source instanceof AbortScope) return source.onAbort(listener);
  source.addEventListener('abort', listener, { once: true });
  return () => source.removeEventListener('abort', listener);
}

/** The abort source of a call's options: a scope handed on by a pipeline, else the caller's signal. */
export function sourceOf(options: ExecuteOptions | undefined): AbortSource | undefined {
  if (options === undefined) return undefined;
  return (options as MaybeScopedOptions)[scopeKey] ?? options.signal;
}

/** The context for a call that adds no abort source of its own. Allocates only for a caller's plain signal. */
export function contextOf(source: AbortSource | undefined): ExecutionContext {
  if (source === undefined) return passiveContext;
  return source instanceof AbortScope ? source : { signal: source };
}

/** The AbortSignal of a source (built now if it is a scope), or one that never aborts. */
export function signalOf(source: AbortSource | undefined): AbortSignal {
  if (source === undefined) return neverAbortedSignal;
  return source instanceof AbortScope ? source.signal : source;
}

/**
 * `options` with `source` as their abort source, every other field unchanged (keyed policies read
 * their own fields from them). A scope travels under a private key and `signal` becomes a getter,
 * so the AbortController is built only if a policy or the function reads `signal`.
 */
export function optionsWithSource<O extends ExecuteOptions>(options: O | undefined, source: AbortSource | undefined): O {
  if (source === sourceOf(options)) return options as O;
  if (source === undefined || !(source instanceof AbortScope)) {
    const derived: Record<PropertyKey, unknown> = { signal: source };
    copyFields(options, derived);
    return derived as O;
  }
  const derived = new ScopedOptions(source) as unknown as Record<PropertyKey, unknown>;
  copyFields(options, derived);
  return derived as O;
}

/**
 * Options carrying a scope: the caller's fields as own properties, the scope under a private key and
 * `signal` a getter on the prototype, which builds the scope's signal on first read. (A class: an
 * object literal with a getter costs about 0.4 µs to build, this about 10 ns. Spreading these options
 * keeps the scope, which Breakwater's policies read, but not a plain `signal` field.)
 */
class ScopedOptions {
  readonly [scopeKey]: AbortScope;

  constructor(scope: AbortScope) {
    this[scopeKey] = scope;
  }

  get signal(): AbortSignal {
    return this[scopeKey].signal;
  }
}

/** Copies every field but `signal` (for...in, not spread: spreading scoped options would build their signal). */
function copyFields(from: ExecuteOptions | undefined, to: Record<PropertyKey, unknown>): void {
  for (const key in from) if (key !== 'signal') to[key] = (from as Record<string, unknown>)[key];
}
