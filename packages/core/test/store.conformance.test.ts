import { describe, expect, it } from 'vitest';
import { limitStep, MemoryStore, type AlgorithmState, type Decision, type LimitSpec, type Store } from '../src/index.js';
import { describeStoreConformance, runStoreConformanceCase, storeConformanceCases } from '../src/testing/index.js';

describeStoreConformance('MemoryStore', () => new MemoryStore());
describeStoreConformance('MemoryStore with room for only 64 keys', () => new MemoryStore({ maxKeys: 64 }));

/** The memory store behind promises, as a remote store answers: the suite must not depend on sync answers. */
class AsyncStore implements Store {
  readonly shared = true;
  readonly #inner = new MemoryStore();
  consume = async (spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> => this.#inner.consume(spec, key, cost, now);
  consumeAll = async (specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<Decision[]> =>
    this.#inner.consumeAll(specs, keys, cost, now);
  peek = async (spec: LimitSpec, key: string, now: number): Promise<Decision> => this.#inner.peek(spec, key, now);
  reset = async (spec: LimitSpec, key: string): Promise<void> => this.#inner.reset(spec, key);
}
describeStoreConformance('an asynchronous store', () => new AsyncStore());

/**
 * The classic bug (rate-limit-redis before 4.2.3, koa2-ratelimit's RedisStore): read the state, await,
 * compute in JavaScript, write it back. Every step is right; concurrent requests still over-admit.
 */
class NaiveReadModifyWriteStore implements Store {
  readonly shared = true;
  readonly #states = new Map<string, AlgorithmState>();
  async consume(spec: LimitSpec, key: string, cost: number, now: number): Promise<Decision> {
    const state = this.#states.get(`${spec.id}|${key}`);
    await new Promise((resolve) => setImmediate(resolve)); // the round trip between GET and SET
    const step = limitStep(state, spec, now, cost);
    if (step.decision.allowed) this.#states.set(`${spec.id}|${key}`, step.state);
    return step.decision;
  }
  async consumeAll(specs: readonly LimitSpec[], keys: readonly string[], cost: number, now: number): Promise<Decision[]> {
    return Promise.all(specs.map((spec, i) => this.consume(spec, keys[i]!, cost, now)));
  }
  async peek(spec: LimitSpec, key: string, now: number): Promise<Decision> {
    return limitStep(this.#states.get(`${spec.id}|${key}`), spec, now, 0).decision;
  }
  async reset(spec: LimitSpec, key: string): Promise<void> {
    this.#states.delete(`${spec.id}|${key}`);
  }
}

describe('the conformance suite catches a non-atomic store', () => {
  const concurrencyCases = storeConformanceCases.filter((check) => check.name.includes('concurrent'));

  it('has a concurrency case for every algorithm and for consumeAll', () => {
    expect(concurrencyCases.map((check) => check.name)).toHaveLength(6);
  });

  it.each(concurrencyCases.map((check) => [check.name, check] as const))('a naive read-modify-write store fails: %s', async (_name, check) => {
    await expect(runStoreConformanceCase(check, () => new NaiveReadModifyWriteStore())).rejects.toThrow();
  });

  it('the same naive store passes a sequential case, so the failures are about atomicity', async () => {
    const sequential = storeConformanceCases.find((check) => check.name.startsWith('exact decisions: token bucket'))!;
    await expect(runStoreConformanceCase(sequential, () => new NaiveReadModifyWriteStore())).resolves.toBeUndefined();
  });
});
