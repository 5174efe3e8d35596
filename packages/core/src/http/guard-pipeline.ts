import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { ErrorCode } from '../errors/codes.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { isBreakwaterError } from '../errors/breakwater-error.js';
import type { Admission, Permit, Rejection } from '../policy/admission.js';
import { RateLimitPermit } from '../rate-limit/permit.js';
import type { Decision } from '../store/decision.js';
import { rejectionResponse, type HttpResponse } from './http-response.js';
import type { ResolvedHttpOptions } from './http-options.js';
import { RateLimitHeaderWriter, windowSecondsOf, type HeaderPolicy } from './ratelimit-headers.js';
import type { HttpInput, RequestInfo } from './request-info.js';
import { parseOptions } from '../config/parse-options.js';
import { fallbackOptionsSchema, responseFallback, type ResponseFallback } from './response-fallback.js';
import { resolveGuards, type ResolvedGuards, type RouteGuards } from './route-guards.js';
import { RequestInput } from './request-input.js';
import { Ticket } from './ticket.js';
import { noteCount, type Warnings } from './warnings.js';

/** What the guards decided: a response to write, or a ticket whose permits the adapter settles. */
export type GuardResult = { readonly admitted: false; readonly response: HttpResponse } | { readonly admitted: true; readonly ticket: Ticket };

const quotaSeconds = { hour: 3_600, day: 86_400, week: 604_800, month: 2_592_000 } as const;

/**
 * The middleware brain: runs a route's guards in order (rate limit, quota, bulkhead, breaker, then
 * the deadline) and returns either the response to write or a {@link Ticket} to settle when the
 * response ends. Refusals release every permit already taken; nothing is settled twice.
 *
 * @example
 * ```ts
 * const guards = new GuardPipeline({ rateLimit: { name: 'api', limits: [{ capacity: 10, refillRate: 1 }] } }, options, warnings);
 * const result = await guards.admit(info, (response) => write(response));
 * if (!result.admitted) return write(result.response);
 * res.on('finish', () => result.ticket.finish(res.statusCode));
 * ```
 */
export class GuardPipeline {
  readonly guards: ResolvedGuards;
  readonly #options: ResolvedHttpOptions;
  readonly #warnings: Warnings;
  readonly #clock: Clock;
  readonly #headers: RateLimitHeaderWriter;
  readonly #fallback: ResponseFallback | undefined;
  readonly #fallbackOnFailure: boolean;
  /**
   * Guards whose permit the ticket settles (bulkhead, breaker), and those with a decision (rate
   * limit, quota). A rate limit's or a quota's permit records nothing when settled, so the ticket
   * does not hold it.
   */
  readonly #permitCount: number;
  readonly #decisionCount: number;

  constructor(route: RouteGuards, options: ResolvedHttpOptions, warnings: Warnings) {
    this.#options = options;
    this.#warnings = warnings;
    this.#clock = options.clock ?? systemClock;
    this.guards = resolveGuards(route, { registry: options.registry, store: options.store, clock: options.clock });
    const { rateLimit, quota, bulkhead, circuitBreaker } = this.guards;
    this.#decisionCount = [rateLimit, quota].filter((guard) => guard !== undefined).length;
    this.#permitCount = [bulkhead, circuitBreaker].filter((guard) => guard !== undefined).length;
    this.#headers = new RateLimitHeaderWriter(headerPolicies(this.guards), options.headers);
    this.#fallback = route.fallback === undefined ? undefined : responseFallback(route.fallback, this.#clock);
    this.#fallbackOnFailure = parseOptions('route', fallbackOptionsSchema, { fallback: route.fallback, fallbackOnFailure: route.fallbackOnFailure }).fallbackOnFailure;
  }

  /** The request's input: the request plus its client key. */
  input(info: RequestInfo): HttpInput {
    return new RequestInput(info, this.#options.clientKey);
  }

  /**
   * Runs the guards for one request. `onTimeout` receives the response to write when the route's
   * deadline passes first (the permits are then already settled as failures).
   */
  admit(info: RequestInfo, onTimeout?: (response: HttpResponse) => void): GuardResult | Promise<GuardResult> {
    const input = this.input(info);
    // Sized once per route (a growing array would reserve 16 slots for 3 permits).
    const run: Run = { input, permits: new Array<Permit>(this.#permitCount), taken: 0, decisions: this.#headers.silent ? undefined : new Array<Decision | undefined>(this.#decisionCount), counted: 0, decidedAt: Number.NaN, onTimeout };
    try {
      for (let stage = 0; stage < stageCount; stage++) {
        const admission = this.#acquire(stage, input);
        if (admission === undefined) continue;
        if (isThenable(admission)) return this.#later(run, stage, admission);
        if (!this.#take(run, stage, admission)) return this.#refuse(admission as Rejection, run);
      }
      return this.#admitted(run);
    } catch (error) {
      return this.#broken(run, error);
    }
  }

  /** The rest of {@link admit} once a guard answered with a promise (a remote store, a queue). */
  async #later(run: Run, stage: number, pending: PromiseLike<Admission>): Promise<GuardResult> {
    try {
      let admission: Admission | PromiseLike<Admission> | undefined = pending;
      for (;;) {
        if (admission !== undefined) {
          const resolved: Admission = isThenable(admission) ? await admission : admission;
          if (!this.#take(run, stage, resolved)) return await this.#refuse(resolved as Rejection, run);
        }
        if (++stage >= stageCount) break;
        admission = this.#acquire(stage, run.input);
      }
      return this.#admitted(run);
    } catch (error) {
      return this.#broken(run, error);
    }
  }

  #acquire(stage: number, input: HttpInput): Admission | Promise<Admission> | undefined {
    const guards = this.guards;
    switch (stage) {
      case 0: return guards.rateLimit === undefined ? undefined : this.#rateLimit(guards.rateLimit, input);
      case 1: return guards.quota?.acquire(input);
      case 2: return guards.bulkhead?.acquire();
      default: return guards.circuitBreaker?.acquire();
    }
  }

  /**
   * The rate limit's admission. A route that sends no header fields needs no decision, and no rate
   * limit permit is kept: the memory store then admits a known key in place (`admit` answers
   * `undefined`), building neither.
   */
  #rateLimit(rateLimit: NonNullable<ResolvedGuards['rateLimit']>, input: HttpInput): Admission | Promise<Admission> | undefined {
    if (!this.#headers.silent) return rateLimit.acquire(input);
    const admission = rateLimit.admit(input);
    if (admission === undefined && this.#warnings.watchesDoubleCounts) this.#noteCount(input);
    return admission;
  }

  /** Takes one guard's admission: true to go on (the permit is kept), false when it refused. */
  #take(run: Run, stage: number, admission: Admission): boolean {
    if (stage === 0 && this.#warnings.watchesDoubleCounts) this.#noteCount(run.input);
    if (stage < 2 && run.decisions !== undefined) {
      // A permit's unnamed decision: the header fields need only its figures (no allocation for a single limit).
      if (admission instanceof RateLimitPermit) {
        run.decisions[run.counted++] = admission.storeDecision;
        run.decidedAt = admission.decidedAt;
      } else {
        run.decisions[run.counted++] = (admission as { decision?: Decision }).decision;
      }
    }
    if (!admission.admitted) return false;
    if (stage >= 2) run.permits[run.taken++] = admission;
    return true;
  }

  // `#take` and `#admitted` run for every request, and V8 inlines them into `admit`. What only some
  // routes need (double-count notes, header fields, a deadline) is called out of them, so that the
  // bytecode V8 inlines into `admit` leaves room in its budget for the constructors of the request's
  // input and ticket; built through V8's generic construct stub instead, they cost several hundred
  // instructions per request.

  #admitted(run: Run): GuardResult {
    const decisions = run.decisions;
    // Decisions exist only for a route with a rate limit or a quota, each of which has decided by now.
    const headers = decisions === undefined ? noHeaders : this.#fields(decisions, run);
    const ticket = new Ticket(run.input, run.permits, headers, this.#options.outcome, this.#fallback, this.#fallbackOnFailure);
    if (this.guards.timeout !== undefined && run.onTimeout !== undefined) this.#arm(ticket, run.input, run.onTimeout);
    return { admitted: true, ticket };
  }

  /** The rate-limit header fields of an admitted request. */
  #fields(decisions: readonly (Decision | undefined)[], run: Run): Record<string, string> {
    const headers: Record<string, string> = {};
    this.#headers.write(headers, decisions, this.#decidedAt(run));
    return headers;
  }

  /**
   * The instant the fields' reset times count from: the rate limit's decision (one clock read per
   * request fewer, and the instant its `resetAt` was computed against), or now when it cannot tell.
   */
  #decidedAt(run: Run): number {
    const decidedAt = run.decidedAt;
    return decidedAt === decidedAt ? decidedAt : this.#clock.now();
  }

  /** Arms the route's deadline on `ticket`: at the deadline the permits fail and `onTimeout` gets the response. */
  #arm(ticket: Ticket, input: HttpInput, onTimeout: (response: HttpResponse) => void): void {
    const timeout = this.guards.timeout as NonNullable<ResolvedGuards['timeout']>;
    const ms = timeout.options.duration;
    ticket.arm(timeout.options.clock, ms, () => {
      const error = new TimeoutError(timeout.name, ms);
      ticket.settle('failure', error);
      void this.#answer({ code: ErrorCode.Timeout, policy: timeout.name, retryAfterMs: 0 }, error, input, {}).then(onTimeout);
    });
  }

  /** Notes the rate limit's count of this request, to warn when one request is counted twice. */
  #noteCount(input: HttpInput): void {
    noteCount(this.#warnings, input.source, this.guards.rateLimit?.name ?? '', input.client);
  }

  /** A store or policy failure is not the client's fault: never a 429, never a 500. */
  #broken(run: Run, error: unknown): GuardResult {
    release(run.permits, run.taken);
    const code = isBreakwaterError(error) ? error.code : ErrorCode.StoreUnavailable;
    return { admitted: false, response: rejectionResponse({ code, policy: policyOf(error), retryAfterMs: 1_000 }, this.#options.statuses) };
  }

  async #refuse(rejection: Rejection, run: Run): Promise<GuardResult> {
    release(run.permits, run.taken);
    const headers: Record<string, string> = {};
    if (run.decisions !== undefined) this.#headers.write(headers, run.decisions, this.#decidedAt(run));
    return { admitted: false, response: await this.#answer(rejection, undefined, run.input, headers) };
  }

  async #answer(rejection: Pick<Rejection, 'code' | 'policy' | 'retryAfterMs'>, error: unknown, input: HttpInput, headers: Record<string, string>): Promise<HttpResponse> {
    const limited = rejection.code === ErrorCode.RateLimited || rejection.code === ErrorCode.QuotaExceeded;
    if (!limited && this.#fallback !== undefined) {
      try {
        const served = await this.#fallback.answer(error ?? (rejection as Rejection).error, input);
        if (served !== undefined) return served;
      } catch {
        // A failing fallback falls through to the plain refusal.
      }
    }
    return rejectionResponse(rejection, this.#options.statuses, headers);
  }
}

/** One request's progress through the guards. */
interface Run {
  readonly input: HttpInput;
  /** One slot per guard that hands out a permit; the first `taken` are held. */
  readonly permits: Permit[];
  taken: number;
  /** The rate limit's and the quota's decisions, for the rate-limit fields (none when the route sends none). */
  readonly decisions: (Decision | undefined)[] | undefined;
  counted: number;
  /**
   * The instant the rate limit decided at (NaN until then, or when it cannot tell): the fields' reset
   * times are counted from it, without reading the clock again.
   */
  decidedAt: number;
  readonly onTimeout: ((response: HttpResponse) => void) | undefined;
}

/** The headers of a ticket whose route sends no rate-limit fields: shared, never written. */
const noHeaders: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Rate limit, quota, bulkhead, breaker; the deadline is armed once all admit. */
const stageCount = 4;

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

function release(permits: readonly Permit[], taken: number): void {
  for (let i = 0; i < taken; i++) (permits[i] as Permit).release();
}

function policyOf(error: unknown): string {
  return isBreakwaterError(error) && error.policy !== undefined ? error.policy : 'store';
}

function headerPolicies(guards: ResolvedGuards): HeaderPolicy[] {
  const policies: HeaderPolicy[] = [];
  const { rateLimit, quota } = guards;
  if (rateLimit !== undefined) {
    const limits = rateLimit.options.limits;
    const tightest = limits.reduce((a, b) => (windowSecondsOf(b) < windowSecondsOf(a) ? b : a));
    policies.push({ name: rateLimit.name, quota: 'capacity' in tightest ? tightest.capacity : 'burst' in tightest ? tightest.burst : tightest.limit, windowSeconds: windowSecondsOf(tightest) });
  }
  if (quota !== undefined) {
    const limits = quota.options.limits as Record<string, number | undefined>;
    const period = (['hour', 'day', 'week', 'month'] as const).find((p) => limits[p] !== undefined) ?? 'day';
    policies.push({ name: quota.name, quota: limits[period] ?? 0, windowSeconds: quotaSeconds[period] });
  }
  return policies;
}
