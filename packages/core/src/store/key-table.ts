/** Slots the table starts with; it doubles up to `maxKeys` as keys arrive. */
const initialSlots = 256;
const none = -1;

/**
 * The memory store's slots: a bounded table in typed arrays, one slot per (key space, key), linked in
 * least-recently-used order. No object and no timer per key: a key costs a map entry (in its key
 * space's map), 48 bytes of typed arrays and two references. When full, the least recently used key
 * is dropped.
 *
 * Promotion is lazy, as memcached's is: a used key moves to the most recent end only if more than
 * `floor(maxKeys / 4)` keys were appended there since it last moved. Moving a key costs six reads
 * and writes across the links; this check costs one read, and many keys in turn (a crowd of
 * clients) then rarely move at all. The guarantee this keeps: a key is dropped only after at least
 * `maxKeys - 1 - floor(maxKeys / 4)` keys were stored or moved after its last use (`maxKeys - 1` with
 * exact LRU). Below 4 keys, promotion is exact.
 *
 * `state` (three numbers per slot, at `slot * 3`) and `expiresAt` are read directly by the store on
 * its hot path; both arrays are replaced when the table grows.
 */
export class KeyTable {
  readonly maxKeys: number;
  /** Keys dropped to make room while their state had not expired. */
  evictions = 0;
  state = new Float64Array(0);
  expiresAt = new Float64Array(0);
  #size = 0;
  #capacity = 0;
  #used = 0;
  #head = none;
  #tail = none;
  #free = none;
  #keys: (string | undefined)[] = [];
  #owners: (Map<string, number> | undefined)[] = [];
  #prev = new Int32Array(0);
  #next = new Int32Array(0);
  /** Appends so far, and each slot's count when it was last appended (a float: it never wraps). */
  #appends = 0;
  #appendedAt = new Float64Array(0);
  /** Up to this many appends since a key last moved, using it does not move it again. */
  readonly #lazyAppends: number;

  constructor(maxKeys: number) {
    this.maxKeys = maxKeys;
    this.#lazyAppends = Math.floor(maxKeys / 4);
    this.#grow(Math.min(maxKeys, initialSlots));
  }

  get size(): number {
    return this.#size;
  }

  /** Writes a slot's state and expiry and marks it most recently used. */
  write(slot: number, s0: number, s1: number, s2: number, expiresAt: number): void {
    const at = slot * 3;
    const state = this.state;
    state[at] = s0;
    state[at + 1] = s1;
    state[at + 2] = s2;
    this.expiresAt[slot] = expiresAt;
    this.touch(slot);
  }

  /** Marks `slot` used: moves it to the most recent end unless it moved there lately (see above). */
  touch(slot: number): void {
    // The tail first: a busy key is the most recent one, and that test reads no array.
    if (slot !== this.#tail && this.#appends - (this.#appendedAt[slot] as number) > this.#lazyAppends) this.#move(slot);
  }

  /** Moves `slot` to the most recent end now, for a caller that is about to insert keys itself. */
  promote(slot: number): void {
    if (slot !== this.#tail) this.#move(slot);
  }

  /** A fresh slot for `key`, registered in `owner` (its key space's map), making room first if full. */
  insert(owner: Map<string, number>, key: string, now: number): number {
    const slot = this.#take(now);
    owner.set(key, slot);
    this.#keys[slot] = key;
    this.#owners[slot] = owner;
    this.#size++;
    this.#append(slot);
    return slot;
  }

  /** Frees `slot` (its key leaves its key space). */
  release(slot: number): void {
    this.#owners[slot]?.delete(this.#keys[slot] as string);
    this.#keys[slot] = undefined;
    this.#owners[slot] = undefined;
    this.expiresAt[slot] = 0;
    this.#unlink(slot);
    this.#next[slot] = this.#free;
    this.#free = slot;
    this.#size--;
  }

  /** Frees every slot (the key spaces' maps are the caller's to clear). */
  clear(): void {
    this.#keys = [];
    this.#owners = [];
    this.#size = this.#used = 0;
    this.#head = this.#tail = this.#free = none;
    this.expiresAt.fill(0);
  }

  #take(now: number): number {
    if (this.#free !== none) {
      const slot = this.#free;
      this.#free = this.#next[slot] as number;
      return slot;
    }
    if (this.#used === this.#capacity && this.#capacity < this.maxKeys) this.#grow(Math.min(this.maxKeys, this.#capacity * 2));
    if (this.#used < this.#capacity) return this.#used++;
    const victim = this.#head;
    if ((this.expiresAt[victim] as number) > now) this.evictions++;
    this.release(victim);
    return this.#take(now);
  }

  #move(slot: number): void {
    this.#unlink(slot);
    this.#append(slot);
  }

  #append(slot: number): void {
    this.#appendedAt[slot] = ++this.#appends;
    this.#prev[slot] = this.#tail;
    this.#next[slot] = none;
    if (this.#tail === none) this.#head = slot;
    else this.#next[this.#tail] = slot;
    this.#tail = slot;
  }

  #unlink(slot: number): void {
    const prev = this.#prev[slot] as number;
    const next = this.#next[slot] as number;
    if (prev === none) this.#head = next;
    else this.#next[prev] = next;
    if (next === none) this.#tail = prev;
    else this.#prev[next] = prev;
  }

  #grow(capacity: number): void {
    this.state = resize(this.state, new Float64Array(capacity * 3));
    this.expiresAt = resize(this.expiresAt, new Float64Array(capacity));
    this.#prev = resize(this.#prev, new Int32Array(capacity));
    this.#next = resize(this.#next, new Int32Array(capacity));
    this.#appendedAt = resize(this.#appendedAt, new Float64Array(capacity));
    this.#capacity = capacity;
  }
}

function resize<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
