import type { HttpOptions, PromRegistry, RouteGuards } from '@breakwater/core';

/** Lets a test hold the `/t/hold` handler until it says so. */
export class Gate {
  #waiting: (() => void)[] = [];
  #entered = 0;
  #gone = 0;

  /** Handlers await this. */
  wait(): Promise<void> {
    this.#entered++;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Handlers that have entered so far. */
  get entered(): number {
    return this.#entered;
  }

  /** Held handlers whose client went away (their request's `close` came before a response). */
  get gone(): number {
    return this.#gone;
  }

  /** Handlers call this when their client goes away. */
  noteGone(): void {
    this.#gone++;
  }

  release(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/** The switchable behaviour of `/t/flaky`. */
export interface Flaky {
  mode: 'ok' | 'fail' | 'throw';
}

/** What one scenario asks an adapter to serve. */
export interface ScenarioApp {
  /** Guards for every `/t/*` route (and nothing else). */
  readonly guards: RouteGuards;
  readonly http: HttpOptions;
  /** `off`: ignore X-Forwarded-For; `loopback`: trust one proxy hop from 127.0.0.1. */
  readonly trustProxy: 'off' | 'loopback';
  readonly gate: Gate;
  /** What `/t/flaky` does now: the test switches it between requests. */
  readonly flaky: Flaky;
  /** The prom-client registry the adapter's `metrics()` reports into, served at `GET /metrics`. */
  readonly promRegistry: PromRegistry;
}

/**
 * An adapter under test. Its server must listen on 127.0.0.1 and serve, under the guards:
 * GET /t/ok → 200 `{"ok":true}`; /t/fail → 500; /t/throw → the handler throws;
 * /t/missing → 404; /t/flaky → 200 `{"flaky":true}`, 500 `{"failed":true}` or a throw, as `flaky.mode` says;
 * /t/hold → awaits `gate.wait()` then 200 `{"held":true}` (unless already answered), and calls
 * `gate.noteGone()` on the request's `close` before a response (on the emitter the adapter watches).
 * GET /open → 200 without any guard; GET /metrics → the adapter's `metrics({ registry, promRegistry })`.
 */
export interface Harness {
  readonly name: string;
  start(app: ScenarioApp): Promise<{ readonly url: string; close(): Promise<void> }>;
}
