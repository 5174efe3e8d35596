/** `Symbol.dispose`, where the runtime has it (Node 20.4+), else the registered fallback symbol. */
export const disposeSymbol: typeof Symbol.dispose =
  (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/**
 * Something to let go of: an event subscription, an isolation. Works with `using` declarations.
 *
 * @example
 * ```ts
 * const subscription = breaker.onStateChange((change) => log.info(change));
 * subscription.dispose();
 * ```
 */
export interface Disposable {
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Wraps a one-shot cleanup in a {@link Disposable}; disposing twice runs it once. */
export function toDisposable(cleanup: () => void): Disposable {
  let done = false;
  const dispose = (): void => {
    if (done) return;
    done = true;
    cleanup();
  };
  return { dispose, [disposeSymbol]: dispose } as Disposable;
}
