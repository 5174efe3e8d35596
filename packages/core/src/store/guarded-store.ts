import type { PolicyEvents } from '../rate-limit/policy-events.js';
import { MemoryStore } from './memory-store.js';
import { OutageGuard, type StoreErrorMode, type StoreFailure } from './outage-guard.js';
import type { Store } from './store.js';

/**
 * The store a policy decides on: a new `MemoryStore` when none is given, the store itself when it is a
 * `MemoryStore` (which cannot fail, and keeps its allocation-free fast path), otherwise the store behind
 * an {@link OutageGuard} that follows `mode` and emits `storeFailure`.
 */
export function guardedStore(store: Store | undefined, mode: StoreErrorMode, policy: string, events: PolicyEvents<{ storeFailure: StoreFailure }>): Store {
  if (store === undefined) return new MemoryStore();
  if (store instanceof MemoryStore) return store;
  return new OutageGuard(store, mode, policy, (failure) => {
    if (events.has('storeFailure')) events.emit('storeFailure', failure);
  });
}
