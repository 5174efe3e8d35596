import { describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { useRedis } from './support/redis-fixture.js';

const redis = useRedis();

/** Keeps the event loop busy, as a CPU-bound handler or a starved machine does. */
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

const bucket = { id: 'blocked-loop', algorithm: 'token-bucket', capacity: 10, refillRate: 1, refillIntervalMs: 1000 } as const;

describe('a command timeout that fires late because the event loop was blocked', () => {
  it('takes the reply already waiting in the socket instead of failing the call', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'blocked-loop', commandTimeout: 50 });
    await store.consume(bucket, 'warm-up', 1, 0);
    const decisions = Array.from({ length: 20 }, (_, i) => store.consume(bucket, `k${i}`, 1, 0));
    // Redis answers within a millisecond; the loop only sees the replies after the deadline's timer is due.
    blockLoop(150);
    const settled = await Promise.allSettled(decisions);
    expect(settled.map((result) => result.status)).toEqual(Array(20).fill('fulfilled'));
  });

  it('still fails a call that Redis really does not answer, once the grace turn has passed', async () => {
    const store = new RedisStore({ client: redis.client, prefix: 'blocked-loop-frozen', commandTimeout: 50 });
    await store.consume(bucket, 'warm-up', 1, 0);
    redis.server.process.kill('SIGSTOP');
    try {
      const pending = store.consume(bucket, 'frozen', 1, 0);
      blockLoop(150);
      await expect(pending).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    } finally {
      redis.server.process.kill('SIGCONT');
    }
  });
});
