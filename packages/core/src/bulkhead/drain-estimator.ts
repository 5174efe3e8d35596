/** Weight of the newest interval in the moving average of intervals between releases. */
const smoothing = 0.25;

/**
 * Estimates when a full bulkhead will have room, from how fast its slots freed up while every slot
 * was taken. The success path pays nothing: the clock is read only for releases that happen while
 * the bulkhead is full, and when a rejection asks for an estimate.
 */
export class DrainEstimator {
  /** Time of the last release while full; NaN after a release while not full (a gap not to measure). */
  #lastFullRelease = Number.NaN;
  /** Moving average of milliseconds between releases while full; undefined until measured. */
  #msPerRelease: number | undefined;
  readonly #unmeasuredMs: number;

  constructor(unmeasuredMs: number) {
    this.#unmeasuredMs = unmeasuredMs;
  }

  /** A slot freed while every slot was taken. */
  fullRelease(nowMs: number): void {
    const last = this.#lastFullRelease;
    if (last === last && nowMs >= last) {
      const interval = nowMs - last;
      const average = this.#msPerRelease;
      this.#msPerRelease = average === undefined ? interval : average + smoothing * (interval - average);
    }
    this.#lastFullRelease = nowMs;
  }

  /** A slot freed while others were free: the next interval would span an unsaturated gap. */
  idleRelease(): void {
    this.#lastFullRelease = Number.NaN;
  }

  /**
   * Milliseconds until `backlog` more releases have happened at the recent rate (at least 1), or the
   * unmeasured estimate before any interval was measured. When no slot has freed for longer than the
   * average interval, the time since the last release is taken as the interval instead.
   */
  estimate(nowMs: number, backlog: number): number {
    const average = this.#msPerRelease;
    if (average === undefined) return this.#unmeasuredMs;
    const sinceLast = nowMs - this.#lastFullRelease;
    const perRelease = sinceLast > average ? sinceLast : average;
    return Math.max(1, Math.ceil(perRelease * backlog));
  }
}
