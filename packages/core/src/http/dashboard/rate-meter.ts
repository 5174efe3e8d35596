/**
 * Turns running totals into per-second rates between two readings. One meter per open page, so that
 * each page's rates cover the time since its own previous frame.
 */
export class RateMeter {
  readonly #last = new Map<string, { readonly value: number; readonly at: number }>();

  /**
   * The increase of the total `id` per second since its previous reading (0 on the first reading,
   * when time has not moved, or when the total went down because the policy was rebuilt).
   */
  perSecond(id: string, value: number, now: number): number {
    const previous = this.#last.get(id);
    this.#last.set(id, { value, at: now });
    if (previous === undefined || now <= previous.at || value < previous.value) return 0;
    return round((value - previous.value) / ((now - previous.at) / 1000));
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
