/**
 * The requests a rate limit counted most recently, each with the policies and keys it was counted
 * under: what the double-count warning needs to see one request counted twice by one policy and key
 * (a middleware mounted twice), without writing anything on the request.
 *
 * A record kept on the request itself (a symbol property) changed the request's shape on every
 * request. On Express, whose requests change prototype per request, that cost more than the whole
 * rate limit; a WeakMap entry per request (an ephemeron) slowed every garbage collection instead.
 *
 * A second count is seen when no more than `capacity - 1` other requests were counted in between:
 * always for a pipeline that admits synchronously (the memory store: the next middleware runs before
 * any other request's), and for most requests when a remote store lets requests interleave, which
 * is enough for a run-once warning. The ring holds its last `capacity` requests until newer ones
 * take their places.
 */
export class RecentCounts {
  readonly #sources: (object | undefined)[];
  readonly #policies: string[];
  readonly #keys: string[];
  /** Further `policy\0key` pairs of a request counted under several, made on its second pair only. */
  readonly #more: (Set<string> | undefined)[];
  #next = 0;

  constructor(capacity: number) {
    this.#sources = new Array<object | undefined>(capacity).fill(undefined);
    this.#policies = new Array<string>(capacity).fill('');
    this.#keys = new Array<string>(capacity).fill('');
    this.#more = new Array<Set<string> | undefined>(capacity).fill(undefined);
  }

  /** Records that `source` (a request) was counted by `policy` under `key`; true if it already was. */
  note(source: object, policy: string, key: string): boolean {
    const sources = this.#sources;
    const capacity = sources.length;
    for (let slot = 0; slot < capacity; slot++) if (sources[slot] === source) return this.#noteAgain(slot, policy, key);
    const slot = this.#next;
    sources[slot] = source;
    this.#policies[slot] = policy;
    this.#keys[slot] = key;
    this.#more[slot] = undefined;
    this.#next = slot + 1 === capacity ? 0 : slot + 1;
    return false;
  }

  #noteAgain(slot: number, policy: string, key: string): boolean {
    if (this.#policies[slot] === policy && this.#keys[slot] === key) return true;
    const pair = `${policy}\u0000${key}`;
    const more = (this.#more[slot] ??= new Set());
    if (more.has(pair)) return true;
    more.add(pair);
    return false;
  }
}
