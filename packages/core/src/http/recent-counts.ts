/** Most recent entries looked at on every count: a synchronous second count is among them. */
const recentLooked = 4;
/**
 * Counts between two looks through the whole ring. Prime, so that no regular pattern of first and
 * second counts (a request counted twice, then the next) keeps second counts off the looks.
 */
const fullLookPeriod = 13;

/**
 * The rate-limit counts made most recently, each as (request, policy, key): what the double-count
 * warning needs to see one request counted twice by one policy and key (a middleware mounted twice),
 * without writing anything on the request.
 *
 * A record kept on the request itself (a symbol property) changed the request's shape on every
 * request. On Express, whose requests change prototype per request, that cost more than the whole
 * rate limit; a WeakMap entry per request (an ephemeron) slowed every garbage collection instead.
 *
 * Every count looks at the four most recent entries: a pipeline that admits synchronously (the
 * memory store) counts a request's second time before any other request's, so a double count is
 * seen at once, as it is when up to three other counts came between. Looking through the whole
 * ring costs some 70 ns (32 comparisons), so it is done on one count in 13 only: it finds a second
 * count that other requests' counts came between (a remote store lets requests interleave) when no
 * more than `capacity - 1` entries came between, and since a middleware mounted twice counts every
 * request twice, one of the next few dozen requests shows it. That is enough for a run-once warning.
 */
export class RecentCounts {
  readonly #sources: (object | undefined)[];
  readonly #policies: string[];
  readonly #keys: string[];
  #next = 0;
  #untilFullLook = fullLookPeriod;

  constructor(capacity: number) {
    this.#sources = new Array<object | undefined>(capacity).fill(undefined);
    this.#policies = new Array<string>(capacity).fill('');
    this.#keys = new Array<string>(capacity).fill('');
  }

  /** Records that `source` (a request) was counted by `policy` under `key`; true if it already was. */
  note(source: object, policy: string, key: string): boolean {
    const sources = this.#sources;
    const capacity = sources.length;
    const next = this.#next;
    let seen = false;
    for (let back = 1, slot = next; back <= recentLooked; back++) {
      slot = slot === 0 ? capacity - 1 : slot - 1;
      if (sources[slot] === source && this.#matches(slot, policy, key)) seen = true;
    }
    if (!seen && --this.#untilFullLook === 0) {
      this.#untilFullLook = fullLookPeriod;
      for (let slot = 0; slot < capacity; slot++) if (sources[slot] === source && this.#matches(slot, policy, key)) seen = true;
    }
    if (seen) return true;
    sources[next] = source;
    this.#policies[next] = policy;
    this.#keys[next] = key;
    this.#next = next + 1 === capacity ? 0 : next + 1;
    return false;
  }

  #matches(slot: number, policy: string, key: string): boolean {
    return this.#policies[slot] === policy && this.#keys[slot] === key;
  }
}
