// In-process stand-ins for the services the example app depends on. Their failure rate, latency and
// outages can be changed while the app runs (the admin route), so that every guard can be seen at work.

/** An upstream call that failed: the app answers 502 and the route's breaker counts a failure. */
export class UpstreamError extends Error {
  constructor(upstream, reason) {
    super(`upstream "${upstream}" failed: ${reason}`);
    this.name = 'UpstreamError';
    this.code = 'ERR_UPSTREAM';
    this.upstream = upstream;
  }
}

const limits = {
  failureRate: (value) => typeof value === 'number' && value >= 0 && value <= 1,
  latencyMs: (value) => Number.isInteger(value) && value >= 0 && value <= 60_000,
  outage: (value) => typeof value === 'boolean',
};
const expected = {
  failureRate: 'a number from 0 to 1',
  latencyMs: 'an integer from 0 to 60000',
  outage: 'true or false',
};

/** A simulated upstream service: `call()` waits `latencyMs`, then fails during an outage or at `failureRate`. */
export class SimulatedUpstream {
  #settings;
  #random;
  #calls = 0;
  #failures = 0;

  /**
   * @param {string} name
   * @param {{ failureRate?: number, latencyMs?: number, outage?: boolean }} settings
   * @param {(signal?: AbortSignal) => unknown} respond what a successful call returns
   * @param {() => number} random the source of random failures (tests pass a fixed one)
   */
  constructor(name, settings, respond, random = Math.random) {
    this.name = name;
    this.respond = respond;
    this.#random = random;
    this.#settings = { failureRate: 0, latencyMs: 0, outage: false };
    this.configure(settings);
  }

  /** Changes some settings; throws a `RangeError` naming the setting and the value for a bad one. */
  configure(patch) {
    for (const [key, value] of Object.entries(patch)) {
      if (!(key in limits)) throw new RangeError(`unknown setting "${key}" (expected failureRate, latencyMs or outage)`);
      if (!limits[key](value)) throw new RangeError(`${key} must be ${expected[key]}, got ${JSON.stringify(value)}`);
    }
    this.#settings = { ...this.#settings, ...patch };
    return this.describe();
  }

  /** Settings and counts, for the admin route. */
  describe() {
    return { name: this.name, ...this.#settings, calls: this.#calls, failures: this.#failures };
  }

  /** Calls the service; rejects with `UpstreamError` when it fails, or with the signal's reason. */
  async call(signal) {
    this.#calls++;
    const { latencyMs, outage, failureRate } = this.#settings;
    if (latencyMs > 0) await delay(latencyMs, signal);
    if (outage || (failureRate > 0 && this.#random() < failureRate)) {
      this.#failures++;
      throw new UpstreamError(this.name, outage ? 'outage (503 Service Unavailable)' : 'random failure (500 Internal Server Error)');
    }
    return this.respond();
  }
}

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

const products = [
  { sku: 'kayak-2', name: 'Two-seat kayak', price: 899 },
  { sku: 'paddle-c', name: 'Carbon paddle', price: 149 },
  { sku: 'vest-m', name: 'Buoyancy vest (M)', price: 79 },
];

/** The example's upstreams: `catalog` (behind the breaker) and `reports` (slow, behind the bulkhead). */
export function createUpstreams(settings = {}) {
  let version = 0;
  return {
    catalog: new SimulatedUpstream('catalog', { latencyMs: 15, ...settings.catalog }, () => ({ version: ++version, items: products })),
    reports: new SimulatedUpstream('reports', { latencyMs: 400, ...settings.reports }, () => ({ rows: 1_250, generatedBy: 'reports-engine' })),
  };
}
