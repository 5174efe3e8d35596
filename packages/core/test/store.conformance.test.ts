import { afterEach, describe, expect, it, vi } from 'vitest';
import { limitStep, MemoryStore, type AlgorithmState, type Decision, type LimitSpec, type Store } from '../src/index.js';
import { assertThat } from '../src/testing/conformance/assert.js';
import { describeStoreConformance, runStoreConformanceCase, storeConformanceCases } from '../src/testing/index.js';

const test = { describe, it };

describeStoreConformance('MemoryStore', () => new MemoryStore(), { test });
describeStoreConformance('MemoryStore with room for only 64 keys', () => new MemoryStore({ maxKeys: 64 }), { test });

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
describeStoreConformance('an asynchronous store', () => new AsyncStore(), { test });

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
    // The suite's own assertion fails (too many admitted), not something else along the way.
    await expect(runStoreConformanceCase(check, () => new NaiveReadModifyWriteStore())).rejects.toThrow(/^expected (length \d+ to be \d+|.* to match )/);
  });

  it('the same naive store passes a sequential case, so the failures are about atomicity', async () => {
    const sequential = storeConformanceCases.find((check) => check.name.startsWith('exact decisions: token bucket'))!;
    await expect(runStoreConformanceCase(sequential, () => new NaiveReadModifyWriteStore())).resolves.toBeUndefined();
  });
});

describe('describeStoreConformance without options.test', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uses the global describe and it (jest, mocha, vitest with globals: true)', () => {
    const declared: string[] = [];
    vi.stubGlobal('describe', (name: string, fn: () => void) => {
      declared.push(`describe ${name}`);
      fn();
    });
    vi.stubGlobal('it', (name: string) => declared.push(`it ${name}`));
    describeStoreConformance('globals', () => new MemoryStore());
    expect(declared).toEqual(['describe store conformance: globals', ...storeConformanceCases.map((check) => `it ${check.name}`)]);
  });

  it('throws a TypeError that says to pass { test: { describe, it } } when there are no globals', () => {
    expect(globalThis).not.toHaveProperty('describe');
    expect(() => describeStoreConformance('nothing', () => new MemoryStore())).toThrow(TypeError);
    expect(() => describeStoreConformance('nothing', () => new MemoryStore())).toThrow('{ test: { describe, it } }');
  });
});

describe('the conformance assertions', () => {
  const fails = (assertion: () => void): string => {
    try {
      assertion();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the assertion passed');
  };

  it('toBe compares with Object.is', () => {
    assertThat(NaN).toBe(NaN);
    expect(fails(() => assertThat(0).toBe(-0))).toBe('expected 0 to be -0');
    expect(fails(() => assertThat({ a: 1 }).toBe({ a: 1 }))).toBe('expected { a: 1 } to be { a: 1 }');
  });

  it('toEqual compares plain data deeply, ignoring undefined properties', () => {
    assertThat([[true, 3, NaN], { a: 'x', b: null, c: undefined }]).toEqual([[true, 3, NaN], { a: 'x', b: null }]);
    expect(fails(() => assertThat([1, 2]).toEqual([1, 2, 3]))).toBe('expected [1, 2] to equal [1, 2, 3]');
    expect(fails(() => assertThat({ a: 1 }).toEqual({ a: 1, b: 2 }))).toBe('expected { a: 1 } to equal { a: 1, b: 2 }');
    expect(fails(() => assertThat({ a: [1] }).toEqual({ a: { 0: 1 } }))).toContain('to equal');
    expect(fails(() => assertThat(null).toEqual(undefined))).toBe('expected null to equal undefined');
  });

  it('toMatchObject matches a subset; arrays element-wise with equal length', () => {
    assertThat({ allowed: true, remaining: 0, limit: 5, nested: { a: 1, b: 2 } }).toMatchObject({ allowed: true, nested: { a: 1 } });
    assertThat([{ a: 1, b: 2 }]).toMatchObject([{ a: 1 }]);
    expect(fails(() => assertThat([{ a: 1 }, { a: 2 }]).toMatchObject([{ a: 1 }]))).toBe('expected [{ a: 1 }, { a: 2 }] to match [{ a: 1 }]');
    expect(fails(() => assertThat({ allowed: true }).toMatchObject({ allowed: false }))).toBe('expected { allowed: true } to match { allowed: false }');
    expect(fails(() => assertThat({}).toMatchObject({ a: undefined }))).toBe('expected {} to match { a: undefined }');
  });

  it('toHaveLength and toBeGreaterThan', () => {
    assertThat([1, 2, 3]).toHaveLength(3);
    assertThat(1).toBeGreaterThan(0);
    expect(fails(() => assertThat([1, 2, 3]).toHaveLength(2))).toBe('expected length 3 to be 2');
    expect(fails(() => assertThat(0).toBeGreaterThan(0))).toBe('expected 0 to be greater than 0');
    expect(fails(() => assertThat('1').toBeGreaterThan(0))).toBe('expected "1" to be greater than 0');
  });

  it('a failure names the step it belongs to', () => {
    expect(fails(() => assertThat([true, 3, 2], 'step 4: consume cost 1 at +999 ms').toEqual([false, 3, 2]))).toBe(
      'step 4: consume cost 1 at +999 ms: expected [true, 3, 2] to equal [false, 3, 2]',
    );
  });
});
