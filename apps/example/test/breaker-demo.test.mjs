import { describe, expect, it } from 'vitest';
import { ManualClock } from '@breakwater/core/testing';
import { runBreakerDemo } from '../src/breaker-demo.mjs';

describe('breaker demo', () => {
  it('opens on the outage, backs off after a failed probe, and closes after recovery', async () => {
    const clock = new ManualClock(0);
    const { timeline, snapshot } = await runBreakerDemo({
      log: () => {},
      clock,
      sleep: (ms) => clock.advanceAsync(ms),
      upstreamLatencyMs: 0,
    });
    const states = timeline.filter((entry) => entry.kind === 'state').map((entry) => entry.text.split(' (')[0]);
    expect(states).toEqual([
      'closed -> open',
      'open -> half-open',
      'half-open -> open',
      'open -> half-open',
      'half-open -> closed',
    ]);
    expect(timeline.filter((entry) => entry.kind === 'rejected').length).toBeGreaterThanOrEqual(4);
    expect(timeline.at(-2)?.kind).toBe('allowed');
    expect(snapshot.state).toBe('closed');
  });
});
