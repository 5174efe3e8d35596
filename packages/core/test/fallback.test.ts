import { describe, expect, it, vi } from 'vitest';
import { AllFallbacksFailedError, FallbackChain, fallback, fallbackChain, isBreakwaterError, type ExecutionContext } from '../src/index.js';
import { configErrorFrom, itRejectsInvalidOptions, type InvalidCase } from './config-support.js';
import { settle } from './simulation-support.js';

const boom = new Error('primary down');
const failing = (): Promise<never> => Promise.reject(boom);

describe('fallback()', () => {
  it('answers a failure with a value', async () => {
    const policy = fallback({ value: [] as string[] });
    await expect(policy.execute(failing)).resolves.toEqual([]);
    await expect(policy.execute(() => ['live'])).resolves.toEqual(['live']);
  });

  it('answers a failure with a function of the error and the caller’s context', async () => {
    const run = vi.fn((error: unknown, context: ExecutionContext) => `stale (${(error as Error).message}, ${String(context.signal.aborted)})`);
    const policy = fallback({ name: 'profile', run });
    const controller = new AbortController();
    await expect(policy.execute(failing, { signal: controller.signal })).resolves.toBe('stale (primary down, false)');
    expect(run.mock.calls[0]![1].signal).toBe(controller.signal);
  });

  it('a value of undefined is a value', async () => {
    await expect(fallback({ value: undefined }).execute(failing)).resolves.toBeUndefined();
  });

  it('passes errors its predicate declines unchanged', async () => {
    const policy = fallback({ when: (error) => error instanceof TypeError, value: 'fallback' });
    await expect(policy.execute(failing)).rejects.toBe(boom);
    await expect(policy.execute(() => Promise.reject(new TypeError('x')))).resolves.toBe('fallback');
  });

  it('rejects with AllFallbacksFailedError listing both errors when the fallback fails too', async () => {
    const cacheDown = new Error('cache down');
    const policy = fallback({
      name: 'profile',
      run: () => {
        throw cacheDown;
      },
    });
    const error = (await settle(policy.execute(failing))) as AllFallbacksFailedError;
    expect(error).toBeInstanceOf(AllFallbacksFailedError);
    expect(isBreakwaterError(error, 'ERR_ALL_FALLBACKS_FAILED')).toBe(true);
    expect(error.failures).toEqual([
      { tier: 'primary', error: boom },
      { tier: 'fallback', error: cacheDown },
    ]);
    expect(error.errors).toEqual([boom, cacheDown]);
    expect(error.name).toBe('AllFallbacksFailedError');
    expect(error.policy).toBe('profile');
    expect(error.cause).toBe(cacheDown);
    expect(error.message).toBe('"profile": every fallback failed: primary (primary down), fallback (cache down)');
  });

  it('does not answer once the caller has gone', async () => {
    const controller = new AbortController();
    const policy = fallback({ value: 'fallback' });
    const call = policy.execute(() => {
      controller.abort('client went away');
      return Promise.reject(boom);
    }, { signal: controller.signal });
    await expect(call).rejects.toBe('client went away');
  });
});

describe('fallbackChain()', () => {
  it('tries tiers in order and answers from the first that succeeds', async () => {
    const secondary = vi.fn(() => Promise.reject(new Error('secondary down')));
    const cache = vi.fn(() => ['cached']);
    const chain = fallbackChain({
      name: 'prices',
      tiers: [
        { name: 'secondary', run: secondary },
        { name: 'cache', run: cache },
        { name: 'static', value: [] as string[] },
      ],
    });
    const served = vi.fn();
    chain.onFallback(served);
    await expect(chain.execute(failing)).resolves.toEqual(['cached']);
    expect(secondary).toHaveBeenCalledWith(boom, expect.anything());
    expect(cache).toHaveBeenCalledWith(expect.objectContaining({ message: 'secondary down' }), expect.anything());
    expect(served).toHaveBeenCalledExactlyOnceWith({ policy: 'prices', tier: 'cache', error: expect.objectContaining({ message: 'secondary down' }) });
  });

  it('each tier’s predicate sees the error of the step before it; declined tiers are skipped and not listed', async () => {
    class Transient extends Error {}
    const seen: unknown[] = [];
    const chain = fallbackChain({
      tiers: [
        { name: 'secondary', when: (e) => (seen.push(e), e instanceof Transient), run: () => Promise.reject(new Error('secondary: 404')) },
        { name: 'cache', when: (e) => (seen.push(e), e instanceof Transient), value: 'cached' },
        { name: 'last', run: () => Promise.reject(new Error('last failed')) },
      ],
    });
    const transient = new Transient('503');
    const error = (await settle(chain.execute(() => Promise.reject(transient)))) as AllFallbacksFailedError;
    expect(error.failures.map((f) => f.tier)).toEqual(['primary', 'secondary', 'last']);
    expect(seen).toEqual([transient, expect.objectContaining({ message: 'secondary: 404' })]);
  });

  it('rethrows the primary error when no tier accepts it', async () => {
    const chain = fallbackChain({ tiers: [{ name: 'a', when: () => false, value: 1 }] });
    await expect(chain.execute(failing)).rejects.toBe(boom);
  });

  it('a predicate that throws declines the error', async () => {
    const chain = fallbackChain({
      tiers: [
        {
          name: 'a',
          when: () => {
            throw new Error('predicate bug');
          },
          value: 1,
        },
        { name: 'b', value: 2 },
      ],
    });
    await expect(chain.execute(failing)).resolves.toBe(2);
  });

  it('lists every tier tried when all fail', async () => {
    const chain = fallbackChain({
      name: 'prices',
      tiers: ['secondary', 'cache', 'static'].map((name) => ({ name, run: () => Promise.reject(new Error(`${name} failed`)) })),
    });
    const error = (await settle(chain.execute(failing))) as AllFallbacksFailedError;
    expect(error.failures.map((f) => [f.tier, (f.error as Error).message])).toEqual([
      ['primary', 'primary down'],
      ['secondary', 'secondary failed'],
      ['cache', 'cache failed'],
      ['static', 'static failed'],
    ]);
  });

  it('close() drops subscriptions', async () => {
    const chain = fallbackChain({ tiers: [{ name: 'a', value: 1 }] });
    const served = vi.fn();
    chain.onFallback(served);
    chain.close();
    await chain.execute(failing);
    expect(served).not.toHaveBeenCalled();
  });
});

const chainCases: Record<string, InvalidCase> = {
  'no tiers': { options: { tiers: [] }, path: 'fallbackChain.tiers', received: [], shown: 'an array of 0', hint: 'at least one tier' },
  'missing tiers': { options: {}, path: 'fallbackChain.tiers', received: undefined, shown: 'undefined' },
  'tiers not an array': { options: { tiers: 'cache' }, path: 'fallbackChain.tiers', received: 'cache', shown: '"cache"' },
  'tier without name': { options: { tiers: [{ value: 1 }] }, path: 'fallbackChain.tiers.0.name', received: undefined, shown: 'undefined' },
  'tier without value or run': { options: { tiers: [{ name: 'a' }] }, path: 'fallbackChain.tiers.0.value', received: undefined, shown: 'undefined', hint: 'a value or a run function' },
  'tier with value and run': {
    options: { tiers: [{ name: 'a', value: 1, run: () => 2 }] },
    path: 'fallbackChain.tiers.0.run',
    received: expect.any(Function),
    shown: 'a function',
    hint: 'not both',
  },
  'tier run not a function': { options: { tiers: [{ name: 'a', run: 'cache' }] }, path: 'fallbackChain.tiers.0.run', received: 'cache', shown: '"cache"' },
  'tier when not a function': { options: { tiers: [{ name: 'a', value: 1, when: 503 }] }, path: 'fallbackChain.tiers.0.when', received: 503, shown: '503' },
  'duplicate tier names': {
    options: { tiers: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }] },
    path: 'fallbackChain.tiers.1.name',
    received: 'a',
    shown: '"a"',
    hint: 'unique',
  },
  'a tier named primary': { options: { tiers: [{ name: 'primary', value: 1 }] }, path: 'fallbackChain.tiers.0.name', received: 'primary', shown: '"primary"', hint: 'wrapped call' },
  'unknown tier key': { options: { tiers: [{ name: 'a', value: 1, retry: true }] }, path: 'fallbackChain.tiers.0', received: { name: 'a', value: 1, retry: true }, shown: '{"name":"a","value":1,"retry":true}' },
};

const fallbackCases: Record<string, InvalidCase> = {
  'neither value nor run': { options: {}, path: 'fallback.value', received: undefined, shown: 'undefined', hint: 'a value or a run function' },
  'run not a function': { options: { run: [] }, path: 'fallback.run', received: [], shown: 'an array of 0' },
  'empty name': { options: { name: '', value: 1 }, path: 'fallback.name', received: '', shown: '""' },
  'unknown option (a tier list)': { options: { value: 1, tiers: [] }, path: 'fallback', received: { value: 1, tiers: [] }, shown: '{"value":1,"tiers":[]}', hint: 'unknown option tiers' },
};

describe('fallback options', () => {
  describe('fallbackChain(): invalid options throw ConfigError', () => {
    itRejectsInvalidOptions((options: Parameters<typeof fallbackChain>[0]) => fallbackChain(options), chainCases);
  });
  describe('fallback(): invalid options throw ConfigError', () => {
    itRejectsInvalidOptions((options: Parameters<typeof fallback>[0]) => fallback(options), fallbackCases);
  });

  it('new FallbackChain() validates the same way', () => {
    const error = configErrorFrom(() => new FallbackChain({ tiers: [] }));
    expect(error.issues[0]!.path).toBe('fallbackChain.tiers');
  });

  it('resolve names and keep the caller’s values unfrozen', () => {
    const value = { items: [] as string[] };
    const chain = fallbackChain({ tiers: [{ name: 'static', value }] });
    expect(chain.name).toBe('fallback');
    expect(chain.kind).toBe('fallback');
    expect(Object.isFrozen(chain.options)).toBe(true);
    expect(Object.isFrozen(value)).toBe(false);
    expect(fallback({ value: 1 }).options.tiers[0]!.name).toBe('fallback');
  });
});
