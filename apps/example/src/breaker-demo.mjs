// A circuit breaker guarding a flaky upstream, narrated as it happens:
// healthy traffic -> an outage trips the breaker -> calls are rejected fast (and answered by a
// fallback) -> after the recovery timeout a probe goes through -> the upstream is back, the breaker closes.
import { circuitBreaker, isBreakwaterError, systemClock } from '@breakwater/core';
import { simulatedUpstream } from './simulated-upstream.mjs';

/**
 * Runs the demo and returns its timeline; `log` receives each line as it happens. Tests pass a
 * ManualClock and a `sleep` that advances it, so the demo runs instantly and deterministically.
 */
export async function runBreakerDemo({
  log = console.log,
  recoveryTimeoutMs = 1_000,
  clock = systemClock,
  sleep = realSleep,
  upstreamLatencyMs = 5,
} = {}) {
  const upstream = simulatedUpstream({ latencyMs: upstreamLatencyMs });
  const timeline = [];
  const startedAt = clock.now();
  const note = (kind, text) => {
    const entry = { atMs: clock.now() - startedAt, kind, text };
    timeline.push(entry);
    log(`${String(entry.atMs).padStart(5)} ms  ${kind.padEnd(9)} ${text}`);
  };

  const breaker = circuitBreaker({
    name: 'inventory-api',
    trip: { consecutiveFailures: 3, failureRate: { threshold: 0.5, minimumCalls: 6, window: { type: 'count', size: 20 } } },
    recoveryTimeout: recoveryTimeoutMs,
    backoff: { multiplier: 2, maxRecoveryTimeout: recoveryTimeoutMs * 4 },
    maxProbes: 1,
    successThreshold: 2,
    timeout: 200,
    clock,
  });
  breaker.onStateChange(({ from, to, reason }) => note('state', `${from} -> ${to} (${reason})`));

  let lastKnownStock;
  const call = async (label) => {
    try {
      const stock = await breaker.execute(({ signal }) => upstream.fetchStock('sku-42', signal));
      lastKnownStock = stock;
      note('allowed', `${label}: upstream answered ${stock} in stock`);
    } catch (error) {
      if (isBreakwaterError(error, 'ERR_CIRCUIT_OPEN')) {
        note('rejected', `${label}: breaker ${error.reason}, answered from cache (${lastKnownStock} in stock) without calling upstream; retry in ${error.retryAfterMs} ms`);
      } else {
        note('failed', `${label}: ${error.message}`);
      }
    }
  };

  for (let i = 1; i <= 3; i++) await call(`call ${i}`);
  upstream.setOutage(true);
  note('upstream', 'outage begins');
  for (let i = 4; i <= 9; i++) await call(`call ${i}`);
  await sleep(recoveryTimeoutMs + 50);
  await call('call 10 (probe during outage)');
  upstream.setOutage(false);
  note('upstream', 'outage over');
  await call('call 11 (too early, backing off)');
  await sleep(recoveryTimeoutMs * 2 + 50);
  for (let i = 12; i <= 15; i++) await call(`call ${i}`);

  const snapshot = breaker.snapshot();
  note('snapshot', `state=${snapshot.state} calls=${snapshot.calls} failures=${snapshot.failures}`);
  breaker.close();
  return { timeline, snapshot };
}

function realSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('Breakwater circuit-breaker demo: an upstream fails, the breaker opens, probes, and closes.\n');
  await runBreakerDemo();
}
