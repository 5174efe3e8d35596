import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workerPath = fileURLToPath(new URL('./breaker-worker.mjs', import.meta.url));

/** What a worker is started with (see breaker-worker.mjs). */
export interface WorkerConfig {
  /** A single redis-server's port, or the cluster's ports. */
  readonly port?: number;
  readonly cluster?: readonly number[];
  readonly prefix: string;
  readonly commandTimeout?: number;
  /** `RedisStore`'s `breaker` option. */
  readonly store?: Record<string, unknown>;
  /** `circuitBreaker` options besides name and store. */
  readonly breaker: Record<string, unknown>;
  /** Whether `calls` waits for `syncBreakers()` afterwards. @default true */
  readonly syncAfterCalls?: boolean;
}

/** A state change as a worker saw it: the change, plus `seenAt`, the worker's `Date.now()` when it fired. */
export interface SeenChange {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly at: number;
  readonly seenAt: number;
}

/** A worker's record, from its `report` op. */
export interface WorkerReport {
  readonly state: string;
  readonly changes: SeenChange[];
  readonly statuses: { status: 'local' | 'shared'; reason: string; at: number }[];
  readonly faults: string[];
  readonly snapshot: Record<string, unknown>;
}

/** One worker process and its IPC requests. */
export class BreakerWorker {
  readonly process: ChildProcess;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  readonly started: Promise<void>;

  constructor(config: WorkerConfig) {
    this.process = fork(workerPath, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.started = new Promise((resolve, reject) => {
      this.process.once('error', reject);
      this.process.once('exit', (code, signal) => reject(new Error(`worker exited before starting (${code ?? signal})`)));
      this.process.on('message', (message: { id: number; error?: string } & Record<string, unknown>) => {
        if (message.id === 0) return resolve();
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message);
      });
    });
    this.process.on('exit', () => {
      for (const pending of this.#pending.values()) pending.reject(new Error('worker exited'));
      this.#pending.clear();
    });
  }

  /** Sends `{ op, ...args }` and resolves with the worker's answer. */
  request<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: Record<string, unknown>) => void, reject });
      this.process.send({ id, op, ...args });
    });
  }

  report(): Promise<WorkerReport> {
    return this.request<WorkerReport>('report');
  }

  kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGKILL');
    return exited;
  }
}

/** Starts `count` workers with the same config and waits until each is connected and synced. */
export async function startWorkers(count: number, config: WorkerConfig): Promise<BreakerWorker[]> {
  const workers = Array.from({ length: count }, () => new BreakerWorker(config));
  await Promise.all(workers.map((worker) => worker.started));
  await Promise.all(workers.map((worker) => worker.request('ready')));
  return workers;
}
