import { afterEach, describe, expect, it } from 'vitest';
import { type BreakerWorker, type SeenChange, startWorkers, type WorkerConfig } from './breaker-workers.js';

/** Where the workers' Redis is, and how a test takes it away and brings it back. */
export interface Topology {
  /** `port` or `cluster` for the worker config. */
  readonly target: () => Pick<WorkerConfig, 'port' | 'cluster'>;
  /** Kills (SIGKILL) the node holding the breaker's keys (the `{shared}` hash tag). */
  readonly killRedis: (prefix: string) => Promise<void>;
  /** Starts it again, empty, on the same port. */
  readonly restartRedis: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let run = 0;

/**
 * The multi-process scenarios, each with three worker processes sharing one breaker: a trip
 * seen everywhere, exactly `maxProbes` probes over 200 trials, a lease freed by expiry after its
 * holder was killed, and Redis killed and restarted under load.
 */
export function describeSharedBreakerScenarios(label: string, topology: Topology): void {
  let workers: BreakerWorker[] = [];
  const start = async (config: Omit<WorkerConfig, 'prefix' | 'port' | 'cluster'>, prefix = `${label}-${++run}`) => {
    workers = await startWorkers(3, { ...topology.target(), prefix, ...config });
    return workers;
  };
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    workers = [];
  });
  const opened = (changes: SeenChange[]) => changes.find((change) => change.to === 'open');

  describe(`shared breaker across 3 processes (${label})`, () => {
    it('failures seen by one process trip the breaker in all three, each within 100 ms of the trip', async () => {
      const [a, b, c] = await start({ breaker: { trip: { consecutiveFailures: 5 }, recoveryTimeout: '30s' } });
      expect((await a!.request<{ results: string[] }>('calls', { n: 5, outcome: 'fail' })).results).toEqual(Array(5).fill('failed'));
      for (const worker of [a!, b!, c!]) expect(await worker.request('waitState', { state: 'open', timeoutMs: 2_000 })).toMatchObject({ reached: true });
      const reports = await Promise.all([a!, b!, c!].map((worker) => worker.report()));
      const trip = opened(reports[0]!.changes)!;
      expect(trip.reason).toBe('5 consecutive failures (threshold 5)');
      for (const report of reports) {
        const seen = opened(report.changes)!;
        expect(seen).toMatchObject({ from: 'closed', to: 'open', reason: trip.reason });
        // Same host clock in every process: the trip's Redis instant against when each process heard of it.
        expect(seen.seenAt - trip.at).toBeLessThanOrEqual(100);
        expect(report.faults).toEqual([]);
      }
      // The two processes that never saw a failure now reject without calling the dependency.
      for (const worker of [b!, c!]) expect((await worker.request<{ results: string[] }>('calls', { n: 1, outcome: 'succeed' })).results).toEqual(['rejected']);
    });

    it('half-open with maxProbes 2: 300 simultaneous requests over 3 processes admit exactly 2 probes, in 200 of 200 trials (a read-then-write count admits more)', async () => {
      const all = await start({ breaker: { trip: { consecutiveFailures: 1 }, recoveryTimeout: 0, maxProbes: 2, probeTimeout: '10s' } });
      await all[0]!.request('calls', { n: 1, outcome: 'fail' });
      const probes: number[] = [];
      for (let trial = 0; trial < 200; trial++) {
        // Every process sees the breaker open (its open period, 0 ms, over): the next calls race for the leases.
        for (const worker of all) expect(await worker.request('waitState', { state: 'open', timeoutMs: 2_000 })).toMatchObject({ reached: true });
        const bursts = await Promise.all(all.map((worker) => worker.request<{ admitted: number }>('burst', { n: 100 })));
        probes.push(bursts.reduce((sum, burst) => sum + burst.admitted, 0));
        // The probes fail: open again, for 0 ms.
        await Promise.all(all.map((worker) => worker.request('settle', { outcome: 'fail' })));
      }
      expect(probes.filter((count) => count !== 2)).toEqual([]);
      expect(probes).toHaveLength(200);
      for (const report of await Promise.all(all.map((worker) => worker.report()))) expect(report.faults).toEqual([]);

      // The same race, with the lease count kept the naive way (GET, compare, SET, as a non-atomic
      // shared breaker would): the harness catches it admitting more than 2.
      const key = `${label}-naive-${++run}:{shared}`;
      const naive: number[] = [];
      for (let trial = 0; trial < 20; trial++) {
        await all[0]!.request('resetNaive', { key });
        const bursts = await Promise.all(all.map((worker) => worker.request<{ admitted: number }>('naiveBurst', { n: 100, maxProbes: 2, key })));
        naive.push(bursts.reduce((sum, burst) => sum + burst.admitted, 0));
      }
      expect(naive.some((count) => count > 2)).toBe(true);
    }, 60_000);

    it('a process killed while holding the probe lease: the lease expires in Redis and probing resumes', async () => {
      const probeTimeoutMs = 600;
      const [a, b, c] = await start({ breaker: { trip: { consecutiveFailures: 1 }, recoveryTimeout: 0, maxProbes: 1, probeTimeout: probeTimeoutMs } });
      await a!.request('calls', { n: 1, outcome: 'fail' });
      for (const worker of [a!, b!, c!]) await worker.request('waitState', { state: 'open', timeoutMs: 2_000 });
      expect(await a!.request('burst', { n: 1 })).toMatchObject({ admitted: 1 });
      const leasedAt = Date.now();
      await a!.kill();
      // While the dead process's lease lives, nobody else may probe.
      expect(await b!.request('burst', { n: 5 })).toMatchObject({ admitted: 0, reasons: ['half-open-full'] });
      let admittedAt = 0;
      while (Date.now() - leasedAt < 5_000) {
        const { admitted } = await b!.request<{ admitted: number }>('burst', { n: 1 });
        if (admitted === 1) {
          admittedAt = Date.now();
          break;
        }
        await sleep(20);
      }
      expect(admittedAt).toBeGreaterThan(0);
      expect(admittedAt - leasedAt).toBeGreaterThanOrEqual(probeTimeoutMs - 50);
      expect(await b!.request('settle', { outcome: 'succeed' })).toMatchObject({ state: 'closed' });
      expect(await c!.request('waitState', { state: 'closed', timeoutMs: 2_000 })).toMatchObject({ reached: true });
    });

    it('Redis killed under load: local breakers, no crash, no unhandled rejection; shared again once Redis is back', async () => {
      const prefix = `${label}-outage-${++run}`;
      const [a, b, c] = await start({ breaker: { trip: { consecutiveFailures: 5 }, recoveryTimeout: '30s' }, store: { refreshInterval: '500ms' } }, prefix);
      const all = [a!, b!, c!];
      await Promise.all(all.map((worker) => worker.request('startLoad', { everyMs: 5, outcome: 'succeed' })));
      await sleep(200);
      await topology.killRedis(prefix);
      const wentLocal = async (worker: BreakerWorker) => {
        for (let i = 0; i < 200 && !(await worker.report()).statuses.some((s) => s.status === 'local'); i++) await sleep(25);
      };
      await Promise.all(all.map(wentLocal));
      await sleep(300); // calls go on, on the local breakers
      const loads = await Promise.all(all.map((worker) => worker.request<{ counts: { ok: number; failed: number } }>('stopLoad')));
      for (const load of loads) {
        expect(load.counts.failed).toBe(0);
        expect(load.counts.ok).toBeGreaterThan(20);
      }
      // Locally, one process's failures open its own breaker only.
      await a!.request('calls', { n: 5, outcome: 'fail' });
      expect((await a!.report()).state).toBe('open');
      expect((await b!.report()).state).toBe('closed');
      await sleep(300);
      await topology.restartRedis();
      const rejoined = async (worker: BreakerWorker) => {
        for (let i = 0; i < 400 && (await worker.report()).statuses.at(-1)?.status !== 'shared'; i++) await sleep(25);
      };
      await Promise.all(all.map(rejoined));
      const reports = await Promise.all(all.map((worker) => worker.report()));
      for (const report of reports) {
        expect(report.faults).toEqual([]);
        expect(report.statuses.map((s) => s.status), JSON.stringify(report.statuses)).toEqual(['local', 'shared']);
      }
      // Redis came back empty: the shared state is closed, and process a rejoined it.
      expect(reports[0]!.changes.at(-1)).toMatchObject({ from: 'open', to: 'closed', reason: 'rejoined the shared state' });
      // Shared again: failures in one process trip all three.
      await a!.request('calls', { n: 5, outcome: 'fail' });
      for (const worker of all) expect(await worker.request('waitState', { state: 'open', timeoutMs: 2_000 })).toMatchObject({ reached: true });
    }, 45_000);
  });
}
