import { Registry as PromRegistry } from 'prom-client';
import * as promClient from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkhead, circuitBreaker, ConfigError, isBreakwaterError, quota, rateLimit, Registry, timeout, type PromClient } from '../src/index.js';
import { loadPromClient } from '../src/http/metrics/prom-client.js';
import { ManualClock, parsePrometheusText, sampleValue } from '../src/testing/index.js';
import { prometheusMetrics, type PrometheusMetrics } from '../src/http/metrics/prometheus-metrics.js';

const client = promClient as unknown as PromClient;
const open: PrometheusMetrics[] = [];
afterEach(() => {
  for (const m of open.splice(0)) m.close();
});

function collector(registry: Registry, promRegistry = new PromRegistry()): PrometheusMetrics {
  const metrics = prometheusMetrics({ registry, promRegistry, client });
  open.push(metrics);
  return metrics;
}

async function scrape(metrics: PrometheusMetrics) {
  const response = await metrics.scrape();
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(response.body as string);
}

describe('prometheusMetrics', () => {
  it('reports breaker state, calls by outcome, durations, rejections and transitions after known traffic', async () => {
    const clock = new ManualClock(0);
    const registry = new Registry();
    const metrics = collector(registry);
    // Registered after the collector: picked up through registry.onRegister.
    const breaker = registry.register(circuitBreaker({ name: 'payments', clock, trip: { consecutiveFailures: 2 }, recoveryTimeout: '30s' }));
    await breaker.execute(async () => clock.advance(40));
    for (let i = 0; i < 2; i++) await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    await breaker.execute(() => 'never').catch(() => undefined);
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'breakwater_circuit_state', { name: 'payments', state: 'open' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_circuit_state', { name: 'payments', state: 'closed' })).toBe(0);
    expect(sampleValue(samples, 'breakwater_calls_total', { policy: 'payments', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_calls_total', { policy: 'payments', outcome: 'failure' })).toBe(2);
    expect(sampleValue(samples, 'breakwater_calls_total', { policy: 'payments', outcome: 'rejected' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_rejections_total', { kind: 'circuit-breaker', policy: 'payments', reason: 'open' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_circuit_transitions_total', { name: 'payments', from: 'closed', to: 'open' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_call_duration_seconds_count', { policy: 'payments', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_call_duration_seconds_sum', { policy: 'payments', outcome: 'success' })).toBeCloseTo(0.04);
    expect(sampleValue(samples, 'breakwater_call_duration_seconds_bucket', { policy: 'payments', outcome: 'success', le: '0.025' })).toBe(0);
    expect(sampleValue(samples, 'breakwater_call_duration_seconds_bucket', { policy: 'payments', outcome: 'success', le: '0.05' })).toBe(1);
  });

  it('reports rate-limit decisions, quota usage and limits, bulkhead occupancy and timeouts', async () => {
    const clock = new ManualClock(0);
    const registry = new Registry();
    const api = registry.register(rateLimit({ name: 'api', clock, limits: [{ capacity: 2, refillRate: 1, refillInterval: '1h' }] }));
    const daily = registry.register(quota({ name: 'daily', clock, limits: { hour: 5, day: 1 } }));
    const pool = registry.register(bulkhead({ name: 'pool', clock, maxConcurrent: 2 }));
    const slow = registry.register(timeout({ name: 'slow', clock, duration: '1s' }));
    const metrics = collector(registry);
    for (let i = 0; i < 3; i++) await api.execute(() => 'ok').catch(() => undefined);
    for (let i = 0; i < 2; i++) await daily.execute(() => 'ok').catch(() => undefined);
    const held = pool.acquire();
    const timed = slow.execute(() => new Promise(() => undefined)).catch(() => undefined);
    clock.advance(1_000);
    await timed;
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'breakwater_ratelimit_decisions_total', { policy: 'api', decision: 'allowed' })).toBe(2);
    expect(sampleValue(samples, 'breakwater_ratelimit_decisions_total', { policy: 'api', decision: 'rejected' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_rejections_total', { kind: 'rate-limit', policy: 'api', reason: 'limited' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_quota_decisions_total', { policy: 'daily', decision: 'allowed' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_quota_decisions_total', { policy: 'daily', decision: 'exceeded' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_rejections_total', { kind: 'quota', policy: 'daily', reason: 'day' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_quota_limit', { policy: 'daily', period: 'hour' })).toBe(5);
    expect(sampleValue(samples, 'breakwater_bulkhead_active', { policy: 'pool' })).toBe(1);
    expect(sampleValue(samples, 'breakwater_bulkhead_capacity', { policy: 'pool' })).toBe(2);
    expect(sampleValue(samples, 'breakwater_timeouts_total', { policy: 'slow' })).toBe(1);
    if (!('then' in held) && held.admitted) held.release();
    expect(sampleValue(await scrape(metrics), 'breakwater_bulkhead_active', { policy: 'pool' })).toBe(0);
  });

  it('drops the series of a policy that left the registry, and removes its metrics on close', async () => {
    const registry = new Registry();
    const promRegistry = new PromRegistry();
    registry.register(bulkhead({ name: 'gone', maxConcurrent: 1 }));
    const metrics = collector(registry, promRegistry);
    expect(sampleValue(await scrape(metrics), 'breakwater_bulkhead_capacity', { policy: 'gone' })).toBe(1);
    registry.unregister('bulkhead', 'gone');
    expect(sampleValue(await scrape(metrics), 'breakwater_bulkhead_capacity', { policy: 'gone' })).toBeUndefined();
    metrics.close();
    expect(promRegistry.getSingleMetric('breakwater_calls_total')).toBeUndefined();
  });

  it('reuses the collector of the same registries, refuses a second Breakwater registry on one prom-client registry', () => {
    const registry = new Registry();
    const promRegistry = new PromRegistry();
    const first = collector(registry, promRegistry);
    expect(prometheusMetrics({ registry, promRegistry, client })).toBe(first);
    expect(() => prometheusMetrics({ registry: new Registry(), promRegistry, client })).toThrow(/metrics\.promRegistry: already reports another Breakwater registry/);
    const other = new PromRegistry();
    new promClient.Counter({ name: 'breakwater_calls_total', help: 'taken', registers: [other] });
    expect(() => prometheusMetrics({ registry, promRegistry: other, client })).toThrow(/already holds a metric named breakwater_calls_total/);
  });

  it('takes a prefix and duration buckets, validated once', () => {
    const registry = new Registry();
    const promRegistry = new PromRegistry();
    open.push(prometheusMetrics({ registry, promRegistry, client, prefix: 'app_bw_', durationBuckets: [0.1, 1] }));
    expect(promRegistry.getSingleMetric('app_bw_circuit_state')).toBeDefined();
    expect(() => prometheusMetrics({ registry, prefix: 'bad-prefix' })).toThrow(ConfigError);
    expect(() => prometheusMetrics({ registry, durationBuckets: [1, 0.5] })).toThrow(/metrics\.durationBuckets: expected increasing bucket bounds/);
    expect(() => prometheusMetrics({ registry: {} as Registry })).toThrow(/metrics\.registry: expected a Breakwater Registry/);
  });

  it('without prom-client, throws a coded error naming the package to install', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'prom-client'"), { code: 'MODULE_NOT_FOUND' });
    };
    let caught: unknown;
    try {
      loadPromClient(missing);
    } catch (error) {
      caught = error;
    }
    expect(isBreakwaterError(caught, 'ERR_MISSING_PEER_DEPENDENCY')).toBe(true);
    expect((caught as Error).message).toMatch(/"prom-client".*npm install prom-client/);
    expect(() => loadPromClient(() => ({}))).toThrow(/prom-client/);
    expect(loadPromClient()).toHaveProperty('Counter');
  });

  it('after close, a new collector on the same prom-client registry counts only what follows', async () => {
    const registry = new Registry();
    const promRegistry = new PromRegistry();
    const breaker = registry.register(circuitBreaker({ name: 'again' }));
    const first = collector(registry, promRegistry);
    await breaker.execute(() => 'ok');
    first.close();
    await breaker.execute(() => 'ok');
    const second = collector(registry, promRegistry);
    await breaker.execute(() => 'ok');
    expect(sampleValue(await scrape(second), 'breakwater_calls_total', { policy: 'again', outcome: 'success' })).toBe(1);
  });
});
