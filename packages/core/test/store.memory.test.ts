import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type LimitSpec } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The JS heap plus ArrayBuffer backing stores (the store keeps its slots in typed arrays, off the JS heap). */
function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('memory store memory', () => {
  it('a token-bucket key costs at most 200 bytes (100,000 keys; the 1 M-key figure is in apps/bench)', () => {
    const count = 100_000;
    const spec: LimitSpec = { id: 'api:per-client', algorithm: 'token-bucket', capacity: 100, refillRate: 10, refillIntervalMs: 1000 };
    // Keys are built before the baseline: a real key (an IP, an API key) exists before the store keeps it.
    const keys = Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const before = heapAfterGc();
    const store = new MemoryStore({ maxKeys: count });
    const now = Date.UTC(2024, 0, 1);
    for (const key of keys) store.consume(spec, key, 1, now);
    const bytesPerKey = (heapAfterGc() - before) / count;
    expect(store.stats().keys).toBe(count);
    console.info(`memory store, token bucket: ${Math.round(bytesPerKey)} bytes per key (keys' strings excluded)`);
    expect(bytesPerKey).toBeLessThanOrEqual(200);
  });

  it('with the keys\u2019 own strings counted too, a key still costs at most 200 bytes', () => {
    const count = 100_000;
    const spec: LimitSpec = { id: 'api:per-client', algorithm: 'sliding-window', limit: 100, windowMs: 60_000 };
    const before = heapAfterGc();
    const store = new MemoryStore({ maxKeys: count });
    const now = Date.UTC(2024, 0, 1);
    for (let i = 0; i < count; i++) store.consume(spec, `user-${i}`, 1, now);
    const bytesPerKey = (heapAfterGc() - before) / count;
    expect(store.stats().keys).toBe(count);
    console.info(`memory store, sliding window: ${Math.round(bytesPerKey)} bytes per key (keys' strings included)`);
    expect(bytesPerKey).toBeLessThanOrEqual(200);
  });
});
