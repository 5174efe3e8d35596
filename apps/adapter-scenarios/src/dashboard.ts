import { circuitBreaker, type DashboardFrame, Registry } from '@breakwater/core';
import { ManualClock } from '@breakwater/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './support.js';

/** What an adapter's dashboard test serves: its `dashboard()` with these options, plus `GET /open` → 200. */
export interface DashboardServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts an app with the adapter's dashboard mounted (`registry`, `clock`, `path` passed through). */
export type ServeDashboard = (options: { readonly registry: Registry; readonly clock: ManualClock; readonly path?: string }) => Promise<DashboardServer>;

/** Reads Server-Sent Events from a streaming response, one event at a time. */
class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(response: Response) {
    this.#reader = response.body!.getReader();
  }

  /** The next `frame` event's data. */
  async frame(): Promise<DashboardFrame> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const data = event.split('\n').find((line) => line.startsWith('data: '));
        if (event.startsWith('event: frame') && data !== undefined) return JSON.parse(data.slice(6)) as DashboardFrame;
        continue;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error('the stream ended');
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }
}

/** The dashboard scenarios every adapter passes over real HTTP. */
export function runDashboardScenarios(adapter: string, serve: ServeDashboard): void {
  describe(`${adapter} dashboard`, () => {
    let server: DashboardServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('serves the page, self-contained, under its path', async () => {
      server = await serve({ registry: new Registry(), clock: new ManualClock(0), path: '/ops/board' });
      for (const path of ['/ops/board', '/ops/board/']) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'sha256-/);
        expect(await response.text()).toContain('<title>Breakwater dashboard</title>');
      }
      expect((await fetch(`${server.url}/open`)).status).toBe(200);
      expect((await fetch(`${server.url}/ops/board`, { method: 'POST' })).status).toBe(404);
    });

    it('streams frames every interval until the client goes away', async () => {
      const clock = new ManualClock(Date.UTC(2024, 0, 1));
      const registry = new Registry();
      const breaker = registry.register(circuitBreaker({ name: 'upstream', clock, trip: { consecutiveFailures: 1 } }));
      server = await serve({ registry, clock });
      const abort = new AbortController();
      const response = await fetch(`${server.url}/dashboard/events`, { signal: abort.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = new EventReader(response);
      expect((await events.frame()).breakers).toEqual([expect.objectContaining({ name: 'upstream', state: 'closed' })]);

      await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
      await until(() => clock.pendingTimers > 0);
      clock.advance(1_000);
      const frame = await events.frame();
      expect(frame.breakers[0]).toMatchObject({ state: 'open', failuresPerSecond: 1 });
      expect(frame.breakers[0]!.timeline.map((entry) => entry.to)).toEqual(['closed', 'open']);

      abort.abort();
      // The stream's timer is cleared once the server sees the client go away (the breaker's own timers aside).
      await until(() => clock.pendingTimers === 0);
    });
  });
}
