// The guided demo: starts the example app, sends normal traffic, causes an upstream outage through
// the admin route, lets it recover, and prints a timeline of what each guard did.
import { DemoClient, demoGuards } from './demo-traffic.mjs';
import { demoApiKeys } from './routes.mjs';
import { startExample } from './server.mjs';
import { Timeline } from './timeline.mjs';

/** The demo's pace in real time (about 10 s in all); tests pass shorter values. */
export const defaultPace = Object.freeze({
  /** Pause between two catalog requests. */
  tickMs: 200,
  /** How long normal traffic runs. */
  normalMs: 4_000,
  /** The breaker's recovery timeout (how long it stays open before a probe). */
  recoveryTimeout: '3s',
  /** How long the outage goes on once the breaker is open (less than the recovery timeout: no probe fails). */
  openHoldMs: 2_000,
  /** Catalog traffic kept up after the breaker closed. */
  afterCloseMs: 1_000,
  /** A phase waiting for the breaker gives up after this long. */
  phaseLimitMs: 20_000,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Subscribes the timeline to the events of policies as they appear in the registry (policies are built on first use). */
function policyWatcher(registry, timeline) {
  const seen = new Set();
  const subscriptions = [];
  const on = (policy, event, listener) => {
    if (typeof policy[event] === 'function') subscriptions.push(policy[event](listener));
  };
  const breakerEvent = { open: 'opened', 'half-open': 'probed', closed: 'closed' };
  return {
    state: { opened: false, closed: false, openedAt: 0 },
    scan() {
      for (const policy of registry.list()) {
        if (seen.has(policy)) continue;
        seen.add(policy);
        if (policy.kind === 'circuit-breaker') {
          on(policy, 'onStateChange', ({ from, to, reason }) => {
            if (to === 'open') Object.assign(this.state, { opened: true, openedAt: Date.now() });
            if (to === 'closed') this.state.closed = true;
            const detail = to === 'half-open' ? 'recovery timeout over: the next request is a probe' : `${from} -> ${to} (${reason})`;
            timeline.note(demoGuards.catalog, breakerEvent[to] ?? to, detail);
          });
        }
        on(policy, 'onDelay', () => timeline.note(`${policy.name} limit`, 'delayed', 'queued until the limit has room'));
        on(policy, 'onStoreFailure', ({ mode }) => timeline.note(`${policy.name} store`, 'store failure', `decided with ${mode}`));
      }
    },
    dispose() {
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}

/** Sends catalog requests every `tickMs` until `done()` holds (or the phase's time limit). */
async function catalogTraffic(client, watcher, pace, done) {
  const limit = Date.now() + pace.phaseLimitMs;
  while (!done()) {
    if (Date.now() > limit) throw new Error('the demo phase did not reach its goal in time');
    await client.catalog();
    watcher.scan();
    await sleep(pace.tickMs);
  }
}

async function normalTraffic(client, watcher, pace) {
  const until = Date.now() + pace.normalMs;
  const catalog = catalogTraffic(client, watcher, pace, () => Date.now() >= until);
  const scanned = (step) => step.then(() => watcher.scan());
  await scanned(client.search(1));
  await client.search(13);
  await scanned(client.feed(1));
  await client.feed(30);
  for (const kind of ['summary', 'summary', 'export', 'export', 'export', 'export', 'export']) await client.report(kind, demoApiKeys[0]);
  await client.report('summary', demoApiKeys[1]);
  await client.slow(6);
  await catalog;
}

/**
 * Runs the guided demo and returns its timeline. `log` receives the printout line by line.
 *
 * @param {{ framework?: 'express' | 'fastify' | 'koa', redisUrl?: string, log?: (line: string) => void, pace?: Partial<typeof defaultPace>, tuning?: object, upstreams?: object }} options
 *   `tuning` and `upstreams` go to `startExample()` (tests make the limits' outcome independent of machine speed).
 */
export async function runGuidedDemo({ framework = 'express', redisUrl, log = console.log, pace: given = {}, tuning = {}, upstreams } = {}) {
  const pace = { ...defaultPace, ...given };
  const app = await startExample({ framework, port: 0, redisUrl, upstreams, tuning: { ...tuning, recoveryTimeout: pace.recoveryTimeout } });
  const timeline = new Timeline(log);
  const client = new DemoClient(app.url, timeline);
  const watcher = policyWatcher(app.registry, timeline);
  log(`Breakwater guided demo: the example app on ${framework} (${app.store === 'redis' ? 'limits and quotas in Redis' : 'limits and quotas in memory'}) at ${app.url}`);
  try {
    await resetQuotas(app);
    timeline.phase('1. normal traffic', 'The catalog upstream is healthy. A client searches too fast (per-IP limit), a burst hits the feed\n(global limit: queued, not refused), an API key spends its hourly quota (exports cost 10), and six\nrequests reach a slow route at once (bulkhead: 2 run, 2 wait, 2 are turned away).');
    await normalTraffic(client, watcher, pace);

    timeline.phase('2. upstream outage', 'The catalog upstream goes down (admin route). The breaker counts the 502s, opens after 5 in a row, and\nfrom then on the fallback chain answers (last good response, else a static default) without calling it.');
    await client.configure('catalog', { outage: true });
    await catalogTraffic(client, watcher, pace, () => watcher.state.opened && Date.now() - watcher.state.openedAt >= pace.openHoldMs);

    timeline.phase('3. recovery', `The upstream is back. After the recovery timeout (${pace.recoveryTimeout}) the breaker lets one probe through (half-open);\ntwo good probes close it and live answers resume.`);
    await client.configure('catalog', { outage: false });
    let closedAt;
    await catalogTraffic(client, watcher, pace, () => watcher.state.closed && Date.now() - (closedAt ??= Date.now()) >= pace.afterCloseMs);
    timeline.flush();
    printSummary(log, timeline);
    return { timeline: timeline.entries, counts: timeline.counts(), store: app.store, framework };
  } finally {
    watcher.dispose();
    await app.close();
  }
}

/** A Redis store keeps quota counts between runs: start the demo's API keys from zero. */
async function resetQuotas(app) {
  const reports = app.registry.get('quota', 'reports');
  if (reports !== undefined) await Promise.all(demoApiKeys.map((key) => reports.reset(`key:${key}`)));
}

function printSummary(log, timeline) {
  log('\n== what each guard did ' + '='.repeat(54));
  for (const [guard, events] of Object.entries(timeline.counts())) {
    log(`  ${guard.padEnd(26)} ${Object.entries(events).map(([event, count]) => `${event} ${count}`).join(', ')}`);
  }
  log('\nRun `pnpm start` and open /dashboard to watch the same guards live.');
}
