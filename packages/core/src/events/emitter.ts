import { type Disposable, toDisposable } from './disposable.js';

/** Subscribes a listener; the returned {@link Disposable} unsubscribes it. */
export type Event<T> = (listener: (event: T) => void) => Disposable;

/** Receives errors thrown by listeners, which never reach the code that emitted the event. */
export type ListenerErrorHandler = (error: unknown, eventName: string) => void;

const noListeners: readonly never[] = Object.freeze([]);

/**
 * A typed event source. Emitting costs one length check when nobody listens, so callers guard the
 * construction of event payloads with {@link Emitter.hasListeners}. An emitter nobody subscribed to
 * holds no array of its own.
 */
export class Emitter<T> {
  #listeners: readonly ((event: T) => void)[] = noListeners;
  readonly #name: string;
  readonly #onListenerError: ListenerErrorHandler;

  constructor(name: string, onListenerError: ListenerErrorHandler = reportListenerError) {
    this.#name = name;
    this.#onListenerError = onListenerError;
  }

  subscribe(listener: (event: T) => void): Disposable {
    if (typeof listener !== 'function') throw new TypeError(`${this.#name}: expected a listener function`);
    // Copy on write, so that a listener unsubscribing during emit does not skip its neighbour.
    this.#listeners = [...this.#listeners, listener];
    return toDisposable(() => {
      // Remove this subscription only: the same function may be subscribed more than once.
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners = [...this.#listeners.slice(0, index), ...this.#listeners.slice(index + 1)];
    });
  }

  get hasListeners(): boolean {
    return this.#listeners.length > 0;
  }

  emit(event: T): void {
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as (event: T) => void)(event);
      } catch (error) {
        this.#onListenerError(error, this.#name);
      }
    }
  }

  clear(): void {
    this.#listeners = noListeners;
  }
}

/** Default handler: a process warning (or console.error off Node), never a throw. */
export function reportListenerError(error: unknown, eventName: string): void {
  const message = `a listener of "${eventName}" threw: ${error instanceof Error ? error.message : String(error)}`;
  const warn = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process
    ?.emitWarning;
  if (warn) warn(message, { code: 'BREAKWATER_LISTENER_ERROR', detail: error instanceof Error ? error.stack : undefined });
  else console.error(message);
}
