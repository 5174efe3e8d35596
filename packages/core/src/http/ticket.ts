import type { Clock, TimerHandle } from '../clock/clock.js';
import { HandlerFailedError } from '../errors/handler-failed-error.js';
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
  /**
   * The error the handler threw, for an adapter that learns of it before the response ends and
   * judges the ticket then (Fastify's `onError` runs before `onSend`); undefined when none was.
   */
  thrown: unknown = undefined;
  readonly #permits: readonly Permit[];
  readonly #outcome: ResolvedOutcomeOptions;
  readonly #fallback: ResponseFallback | undefined;
  readonly #recovers: boolean;
  #timer: { readonly clock: Clock; readonly handle: TimerHandle } | undefined;
  #settled = false;
  #recovered = false;
  #abandoned = false;

  constructor(input: HttpInput, permits: readonly Permit[], headers: Record<string, string>, outcome: ResolvedOutcomeOptions, fallback: ResponseFallback | undefined, fallbackOnFailure = false) {
    this.input = input;
    this.#permits = permits;
    this.headers = headers;
    this.#outcome = outcome;
    this.#fallback = fallback;
    this.#recovers = fallback !== undefined && fallbackOnFailure;
    trackRequest(1);
  }

  /** True once settled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** True once the client went away ({@link Ticket.abandon}). */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** True when successful responses should be handed to {@link Ticket.remember} (last good response fallback). */
  get remembers(): boolean {
    return this.#fallback?.records === true;
  }

  /** True when the route's fallback may answer the handler's own failures: the adapter watches the response. */
  get recovers(): boolean {
    return this.#recovers;
  }

  /** Records a successful response for the last-good fallback (never a response the fallback served). */
  remember(response: HttpResponse): void {
    if (response.status < 400 && !this.#recovered) this.#fallback?.record(this.input, response);
  }

  /**
   * True when the handler's ending, a `status` or a thrown `error` (answered with `status`), is a
   * failure the route's fallback should answer: the ticket is unsettled, the route recovers, and the
   * outcome rules count it as a failure.
   */
  intercepts(status: number, error?: unknown): boolean {
    if (this.#settled || this.#abandoned || !this.#recovers) return false;
    return (error === undefined ? classifyStatus(this.#outcome, status) : this.#judge(error)) === 'failure';
  }

  /**
   * Settles the ticket as the handler's failure (the breaker still counts it) and resolves to the
   * fallback's response, or undefined when the fallback has none (the handler's response stands).
   * The fallback receives a {@link HandlerFailedError} with the status and the thrown error as cause.
   */
  async recover(status: number, error?: unknown): Promise<HttpResponse | undefined> {
    const failure = new HandlerFailedError(status, error);
    this.settle('failure', error ?? failure);
    try {
      const response = await this.#fallback?.answer(failure, this.input);
      if (response !== undefined) this.#recovered = true;
      return response;
    } catch {
      return undefined;
    }
  }

  /** The response ended with `status`: 5xx (by default) fails, the rest succeed; after {@link Ticket.abandon}, released. */
  finish(status: number): void {
    this.settle(this.#abandoned ? 'release' : classifyStatus(this.#outcome, status));
  }

  /** The handler threw `error`; after {@link Ticket.abandon}, released. */
  fail(error: unknown): void {
    this.settle(this.#abandoned ? 'release' : this.#judge(error), error);
  }

  /** The client went away and the handler's work is over (or never began): nothing is counted, every permit is freed. */
  release(): void {
    this.settle('release');
  }

  /**
   * The client went away while the handler may still run. Nothing about this request will be
   * counted, but the permits stay held (a bulkhead slot keeps capping the handler's work) until the
   * adapter sees the handler end and calls {@link Ticket.release} (or `finish` / `fail`, which then
   * release), or the route's deadline passes (released, not a timeout failure).
   */
  abandon(): void {
    this.#abandoned = true;
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
      if (this.#settled) return;
      if (this.#abandoned) this.release();
      else onElapsed();
    }, ms) };
  }

  /** An HTTP error (`ctx.throw(404)`, a validation error) is judged by its status, like a response; others by the outcome rules. */
  #judge(error: unknown): Settlement {
    const status = statusOf(error);
    if (status !== undefined && status < 500) return classifyStatus(this.#outcome, status);
    return classifyError(this.#outcome, error);
  }
}

/** The HTTP status an error carries (`status` or `statusCode`, 400–599), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value <= 599 ? value : undefined;
}
