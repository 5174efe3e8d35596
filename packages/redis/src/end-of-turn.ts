/**
 * Runs `run` once at the end of the current turn of the event loop (its check phase, `setImmediate`),
 * however often {@link schedule} is called before: what a batch of the calls made in one turn needs.
 * A batch that filled up and was sent early finds nothing left to send then, which costs nothing.
 */
export class EndOfTurn {
  #scheduled = false;
  readonly #onImmediate: () => void;

  constructor(run: () => void) {
    this.#onImmediate = () => {
      this.#scheduled = false;
      run();
    };
  }

  /** Makes sure `run` runs at the end of this turn. */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#onImmediate);
  }
}
