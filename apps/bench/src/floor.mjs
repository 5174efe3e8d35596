/**
 * The floor: a minimal hand-written consecutive-failures breaker, the least code that does the job.
 * It has no half-open probe limit, no events and no options; it only shows what the plumbing
 * (one async layer, a counter, a time check when open) costs on this machine.
 */
export class FloorBreaker {
  failures = 0;
  openUntil = 0;

  constructor(threshold, openMs, rejection) {
    this.threshold = threshold;
    this.openMs = openMs;
    this.rejection = rejection; // one error made up front and reused: no stack capture per call
  }

  async execute(fn) {
    if (this.openUntil !== 0) {
      if (Date.now() < this.openUntil) throw this.rejection;
      this.openUntil = 0; // recovery time elapsed: let this call through as the probe
    }
    try {
      const value = await fn();
      this.failures = 0;
      return value;
    } catch (error) {
      if (++this.failures >= this.threshold) this.openUntil = Date.now() + this.openMs;
      throw error;
    }
  }
}

/** The floor: the least code that is a token bucket (continuous refill, no keys, no options). */
export class FloorTokenBucket {
  constructor(capacity, perSecond) {
    this.capacity = capacity;
    this.perMs = perSecond / 1000;
    this.tokens = capacity;
    this.at = Date.now();
  }

  tryTake() {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
