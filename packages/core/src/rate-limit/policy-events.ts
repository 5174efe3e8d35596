import type { Disposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';

/**
 * A policy's event sources by name, each created on first subscription: a policy nobody observes
 * carries no emitters, and `has()` lets callers skip building payloads nobody reads.
 */
export class PolicyEvents<M extends object> {
  readonly #prefix: string;
  #emitters: { [K in keyof M]?: Emitter<M[K]> } | undefined;

  /** @param prefix - the factory name, for listener-error reports (`rateLimit.onReject`). */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  subscribe<K extends keyof M & string>(name: K, listener: (event: M[K]) => void): Disposable {
    const emitters: { [N in keyof M]?: Emitter<M[N]> } = (this.#emitters ??= {});
    let emitter = emitters[name];
    if (emitter === undefined) {
      emitter = new Emitter<M[K]>(`${this.#prefix}.on${name[0]!.toUpperCase()}${name.slice(1)}`);
      emitters[name] = emitter;
    }
    return emitter.subscribe(listener);
  }

  /** Whether anyone listens to `name`; check before building a payload. */
  has(name: keyof M): boolean {
    return this.#emitters?.[name]?.hasListeners === true;
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    this.#emitters?.[name]?.emit(event);
  }

  clear(): void {
    this.#emitters = undefined;
  }
}
