import type { TimerHandle } from '../../clock/clock.js';
import { parseOptions } from '../../config/parse-options.js';
import { buildFrame } from './build-frame.js';
import type { DashboardFrame } from './frame.js';
import { type DashboardOptions, dashboardOptionsSchema, type ResolvedDashboardOptions } from './options.js';
import { dashboardPage } from './page.js';
import { PolicyWatch } from './policy-watch.js';
import { RateMeter } from './rate-meter.js';

/** What a dashboard request asks for: the page or its event stream. */
export type DashboardRoute = 'page' | 'events';

/** How long a browser waits before reconnecting a dropped stream. */
const reconnectMs = 2_000;

/**
 * The framework-agnostic part of the live dashboard: the page, and a Server-Sent Events stream of
 * {@link DashboardFrame}s built from `registry.snapshot()` every `interval`. Adapters route requests
 * with {@link Dashboard.route} and pipe {@link Dashboard.connect} into the response.
 *
 * Each open page has its own timer (unref'd by the system clock) that stops when the page goes away;
 * breaker state changes and store failures are listened to only while a page is open.
 *
 * @example
 * ```ts
 * const board = new Dashboard({ registry });
 * // in a Node request handler:
 * if (board.route(req.method, path) === 'events') {
 *   res.writeHead(200, dashboardStreamHeaders);
 *   const stop = board.connect((chunk) => res.write(chunk));
 *   res.once('close', stop);
 * }
 * ```
 */
export class Dashboard {
  /** Options after parsing: defaults applied, durations in milliseconds. */
  readonly options: ResolvedDashboardOptions;
  /** The page's HTML (the same string for every dashboard). */
  readonly page: string = dashboardPage;
  readonly #watch: PolicyWatch;

  constructor(options: DashboardOptions) {
    this.options = parseOptions('dashboard', dashboardOptionsSchema, options);
    this.#watch = new PolicyWatch(this.options.timelineSize, this.options.clock);
  }

  /** `page` for `GET` (or `HEAD`) `<path>`, `events` for `GET <path>/events`, undefined for any other request. */
  route(method: string, path: string): DashboardRoute | undefined {
    const base = this.options.path;
    if (path === base || path === `${base}/`) return method === 'GET' || method === 'HEAD' ? 'page' : undefined;
    return method === 'GET' && path === `${base === '/' ? '' : base}/events` ? 'events' : undefined;
  }

  /**
   * Starts a stream: `send` receives the SSE text to write (a first frame at once, then one every
   * `interval`). Returns `stop`, to call when the client goes away; a `send` that throws stops it too.
   */
  connect(send: (chunk: string) => void): () => void {
    const { clock, interval } = this.options;
    const meter = new RateMeter();
    let open = true;
    let timer: TimerHandle | undefined;
    const stop = (): void => {
      if (!open) return;
      open = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      this.#watch.detach();
    };
    const write = (chunk: string): void => {
      try {
        send(chunk);
      } catch {
        stop();
      }
    };
    const tick = (): void => {
      timer = undefined;
      buildFrame({ options: this.options, watch: this.#watch, meter })
        .then(
          (frame) => open && write(`event: frame\ndata: ${JSON.stringify(frame)}\n\n`),
          (error: unknown) => open && write(`event: problem\ndata: ${JSON.stringify({ message: error instanceof Error ? error.message : String(error) })}\n\n`),
        )
        .finally(() => {
          if (open) timer = clock.setTimeout(tick, interval);
        });
    };
    this.#watch.attach();
    write(`retry: ${reconnectMs}\n: breakwater dashboard\n\n`);
    if (open) tick();
    return stop;
  }

  /** One frame now (per-second figures are 0: they need a previous frame of the same stream). */
  frame(): Promise<DashboardFrame> {
    return buildFrame({ options: this.options, watch: this.#watch, meter: new RateMeter() });
  }
}
