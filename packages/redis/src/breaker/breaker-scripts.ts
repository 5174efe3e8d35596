import type { Clock } from '@breakwater/core';
import { type Reply, ScriptRunner } from '../script-runner.js';
import type { LuaScript } from '../scripts/scripts.js';
import type { SpecArgs } from './spec-args.js';
import { parseReply, type ScriptResult } from './summary.js';

/**
 * Breaker replies are parsed once the call has settled (state changes are rare; no decoder needed).
 * The breaker scripts reply with arrays; an integer would be read as one item.
 */
const asReply = (reply: Reply): (string | number)[] => (typeof reply === 'number' ? [reply] : reply);

/**
 * Runs one breaker's scripts: its keys, the clock argument and the spec's arguments added to each
 * call, and the calls in flight counted so that {@link BreakerScripts.idle} can wait for them.
 */
export class BreakerScripts {
  readonly #runner: ScriptRunner;
  readonly #keys: readonly string[];
  readonly #args: SpecArgs;
  readonly #clock: Clock | undefined;
  readonly #timers: Clock;
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  /**
   * `clientClock`: its `now` replaces Redis `TIME`; `timers`: the breaker's clock, which stamps each
   * call (`sentAt`, from which the view works out Redis's clock). A call's deadline runs on the
   * runner's own clock (the store's `timers`), which need not be the breaker's.
   */
  constructor(runner: ScriptRunner, keys: readonly string[], args: SpecArgs, clientClock: Clock | undefined, timers: Clock) {
    this.#runner = runner;
    this.#keys = keys;
    this.#args = args;
    this.#clock = clientClock;
    this.#timers = timers;
  }

  /** Runs `script`; the result carries `sentAt`, the local time the call left. */
  run(script: LuaScript, extra: readonly string[]): Promise<ScriptResult & { readonly sentAt: number }> {
    const sentAt = this.#timers.now();
    const now = this.#clock === undefined ? '' : String(Math.floor(this.#clock.now()));
    this.#inFlight++;
    const done = (): void => {
      if (--this.#inFlight > 0) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    };
    const args = ScriptRunner.argsOf(script, this.#keys, [now, this.#args.numbers, this.#args.shapes, ...extra]);
    // The deadline on the runner's clock: a breaker clock of another time (a test's manual clock)
    // would put it in the past, and the runner would fail the call at its next expiry check.
    const call = this.#runner.run(script, args, this.#runner.now(), asReply);
    call.then(done, done);
    return call.then((reply) => ({ ...parseReply(reply), sentAt }));
  }

  /** Resolves once no script of this breaker is waiting for Redis. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
