/**
 * An algorithm's admit-only step, for the memory store's hot path: it charges `cost` (> 0) to the
 * key in `slot` of the store's table, in place, and returns `true`, or returns `false` and writes
 * nothing. When it admits, the key's state (`state[slot * 3]` to `+ 2`) and expiry (`expiresAt[slot]`,
 * the decision's `resetAt`) are then exactly what the algorithm's {@link Kernel} gives (a number the
 * algorithm keeps at zero is left as it is); when it refuses, the kernel would refuse too. It builds none of a decision's other figures (remaining,
 * retry time), which is what makes it small enough for V8 to inline into a policy's `execute`.
 *
 * It may be handed a state that has expired (`expiresAt[slot] <= now`), which a kernel is handed as
 * zeros: the expiry is the instant from which the state's own arithmetic reads as a fresh key's (a
 * full bucket, a TAT in the past, a window gone by), so the result is the same and the store need
 * write nothing before it knows the call is admitted. Times are whole milliseconds. A property test
 * holds every admit form to its kernel, expired states included.
 */
export type Admit<S> = (spec: S, cost: number, now: number, state: Float64Array, expiresAt: Float64Array, slot: number) => boolean;
