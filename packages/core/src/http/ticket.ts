import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Permit } from '../policy/admission.js';
import { classifyError, classifyStatus, type ResolvedOutcomeOptions, type Settlement } from './outcome-classifier.js';
import type { HttpResponse } from './http-response.js';
import type { ResponseFallback } from './response-fallback.js';
import type { HttpInput } from './request-info.js';
import { trackRequest } from './warnings.js';

/**
 * The permits of one admitted request. The adapter settles it once, at the framework's completion
 * point; every later call is ignored, so several completion hooks may all call it.
 */
export class Ticket {
  /** Headers to add to the response (rate-limit fields). */
  readonly headers: Record<string, string>;
  readonly input: HttpInput;
  readonly #permits: readonly Permit[];
  readonly #outcome: ResolvedOutcomeOptions;
  readonly #fallback: ResponseFallback | undefined;
  #timer: { readonly clock: Clock; readonly handle: TimerHandle } | undefined;
  #settled = false;

  constructor(input: HttpInput, permits: readonly Permit[], headers: Record<string, string>, outcome: ResolvedOutcomeOptions, fallback: ResponseFallback | undefined) {
    this.input = input;
    this.#permits = permits;
    this.headers = headers;
    this.#outcome = outcome;
    this.#fallback = fallback;
    trackRequest(1);
  }

  /** True once settled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** True when successful responses should be handed to {@link Ticket.remember} (last good response fallback). */
  get remembers(): boolean {
    return this.#fallback?.records === true;
  }

  /** Records a successful response for the last-good fallback. */
  remember(response: HttpResponse): void {
    if (response.status < 400) this.#fallback?.record(this.input, response);
  }

  /** The response ended with `status`: 5xx (by default) fails, the rest succeed. */
  finish(status: number): void {
    this.settle(classifyStatus(this.#outcome, status));
  }

  /** The handler threw `error`. */
  fail(error: unknown): void {
    // An HTTP error (`ctx.throw(404)`, a validation error) is judged by its status, like a response.
    const status = statusOf(error);
    if (status !== undefined && status < 500) return this.finish(status);
    this.settle(classifyError(this.#outcome, error), error);
  }

  /** The client went away: nothing is counted. */
  release(): void {
    this.settle('release');
  }

  /** Settles every permit once. */
  settle(settlement: Settlement, error?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    trackRequest(-1);
    if (this.#timer !== undefined) this.#timer.clock.clearTimeout(this.#timer.handle);
    // Innermost first: the breaker learns the outcome before the bulkhead frees its slot.
    for (let i = this.#permits.length - 1; i >= 0; i--) {
      const permit = this.#permits[i] as Permit;
      try {
        if (settlement === 'success') permit.success();
        else if (settlement === 'failure') permit.failure(error);
        else permit.release();
      } catch {
        // A permit's settlement must never break the response.
      }
    }
  }

  /** Arms the deadline; `onElapsed` runs once if the ticket is still unsettled at the deadline. */
  arm(clock: Clock, ms: number, onElapsed: () => void): void {
    this.#timer = { clock, handle: clock.setTimeout(() => {
      if (!this.#settled) onElapsed();
    }, ms) };
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value <= 599 ? value : undefined;
}
