import { sampleValue } from '@breakwater/core/testing';
import { describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { breakerState, bulkheadActive, scenarioApps, until } from './support.js';

/** The Prometheus endpoint, scraped over HTTP after known traffic. */
export function metricsScenarios(harness: Harness): void {
  describe(`${harness.name}: metrics`, () => {
    const open = scenarioApps(harness);

    it('metrics: the Prometheus text counts what the guards decided', async () => {
      const a = await open({
        rateLimit: { name: 'api', limits: [{ capacity: 6, refillRate: 1, refillInterval: '1h' }] },
        quota: { name: 'daily', limits: { day: 1_000 } },
        bulkhead: { name: 'pool', maxConcurrent: 4 },
        circuitBreaker: { name: 'cb', trip: { consecutiveFailures: 2 }, recoveryTimeout: '30s' },
      });
      const held = a.get('/t/hold');
      await until(() => a.gate.entered === 1);
      const during = await a.scrape();
      expect(sampleValue(during, 'breakwater_bulkhead_active', { policy: 'pool' })).toBe(1);
      expect(sampleValue(during, 'breakwater_bulkhead_capacity', { policy: 'pool' })).toBe(4);
      a.gate.release();
      expect((await held).status).toBe(200);
      expect((await a.get('/t/ok')).status).toBe(200);
      expect((await a.get('/t/fail')).status).toBe(500);
      expect((await a.get('/t/throw')).status).toBe(500);
      await until(() => breakerState(a.registry, 'cb') === 'open');
      expect((await a.get('/t/ok')).status).toBe(503);
      expect((await a.get('/t/ok')).status).toBe(503);
      expect((await a.get('/t/ok')).status).toBe(429);
      await until(() => bulkheadActive(a.registry, 'pool') === 0);
      const after = await a.scrape();
      const value = (name: string, labels: Record<string, string>) => sampleValue(after, `breakwater_${name}`, labels);
      expect(value('circuit_state', { name: 'cb', state: 'open' })).toBe(1);
      expect(value('circuit_state', { name: 'cb', state: 'closed' })).toBe(0);
      expect(value('circuit_transitions_total', { name: 'cb', from: 'closed', to: 'open' })).toBe(1);
      expect(value('calls_total', { policy: 'cb', outcome: 'success' })).toBe(2);
      expect(value('calls_total', { policy: 'cb', outcome: 'failure' })).toBe(2);
      expect(value('calls_total', { policy: 'cb', outcome: 'rejected' })).toBe(2);
      expect(value('call_duration_seconds_count', { policy: 'cb', outcome: 'failure' })).toBe(2);
      expect(value('rejections_total', { kind: 'circuit-breaker', policy: 'cb', reason: 'open' })).toBe(2);
      expect(value('rejections_total', { kind: 'rate-limit', policy: 'api', reason: 'limited' })).toBe(1);
      expect(value('ratelimit_decisions_total', { policy: 'api', decision: 'allowed' })).toBe(6);
      expect(value('ratelimit_decisions_total', { policy: 'api', decision: 'rejected' })).toBe(1);
      expect(value('quota_decisions_total', { policy: 'daily', decision: 'allowed' })).toBe(6);
      expect(value('quota_limit', { policy: 'daily', period: 'day' })).toBe(1_000);
      expect(value('bulkhead_active', { policy: 'pool' })).toBe(0);
    });
  });
}
