import { describe, expect, it } from 'vitest';
import {
  type BreakerBinding,
  type BreakerStateHandle,
  type BreakerStateStore,
  type BreakerStoreStatus,
  type CircuitBreakerState,
  circuitBreaker,
  memoryBreakerStateStore,
} from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

/** A store that hands out memory handles and keeps the bindings, so a test can play the store's part. */
function recordingStore(withSeed: boolean) {
  const bindings: BreakerBinding[] = [];
  const seeded: CircuitBreakerState[] = [];
  const restored: CircuitBreakerState[] = [];
  const store: BreakerStateStore = {
    shared: true,
    bindBreaker(binding) {
      bindings.push(binding);
      const inner = memoryBreakerStateStore.bindBreaker(binding);
      const handle: BreakerStateHandle = Object.create(inner) as BreakerStateHandle;
      Object.assign(handle, {
        admit: () => inner.admit(),
        view: () => inner.view(),
        toJSON: () => inner.toJSON(),
        restore: (state: CircuitBreakerState) => {
          restored.push(state);
          return inner.restore(state);
        },
        ...(withSeed
          ? {
              seed: (state: CircuitBreakerState) => {
                seeded.push(state);
                return true;
              },
            }
          : {}),
      });
      return handle;
    },
  };
  return { store, bindings, seeded, restored };
}

describe('breaker-state store seam', () => {
  it('forwards store status events to onStoreStatus listeners, and only to them', () => {
    const { store, bindings } = recordingStore(false);
    const breaker = circuitBreaker({ name: 'db', store, clock: new ManualClock(0) });
    const seen: BreakerStoreStatus[] = [];
    const subscription = breaker.onStoreStatus((event) => seen.push(event));
    const event: BreakerStoreStatus = { breaker: 'db', status: 'local', reason: 'store down', error: new Error('down'), at: 5 };
    bindings[0]!.onStoreStatus!(event);
    subscription.dispose();
    bindings[0]!.onStoreStatus!({ breaker: 'db', status: 'shared', reason: 'store back', at: 6 });
    expect(seen).toEqual([event]);
  });

  it('applies initialState through seed() when the store has it, else through restore()', () => {
    const saved = circuitBreaker({ name: 'db', clock: new ManualClock(0) }).toJSON();
    const withSeed = recordingStore(true);
    circuitBreaker({ name: 'db', store: withSeed.store, initialState: saved });
    expect(withSeed.seeded).toEqual([saved]);
    expect(withSeed.restored).toEqual([]);
    const withoutSeed = recordingStore(false);
    circuitBreaker({ name: 'db', store: withoutSeed.store, initialState: saved });
    expect(withoutSeed.restored).toEqual([saved]);
  });

  it('the memory store never reports a store status', () => {
    const breaker = circuitBreaker({ name: 'db', trip: { consecutiveFailures: 1 }, clock: new ManualClock(0) });
    const seen: BreakerStoreStatus[] = [];
    breaker.onStoreStatus((event) => seen.push(event));
    void breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    breaker.reset();
    expect(seen).toEqual([]);
  });
});
