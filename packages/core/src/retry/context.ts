import type { ExecutionContext } from '../policy/admission.js';
import { type AbortSource, handedOnSource, signalOf } from '../timeout/abort-scope.js';

/** What a function run by a retry policy receives. */
export interface RetryContext extends ExecutionContext {
  /** This attempt's number: 1 for the first call, 2 for the first retry, … */
  readonly attempt: number;
}

/** The context of one attempt: the caller's abort source, its signal read lazily. */
export class AttemptContext implements RetryContext {
  readonly attempt: number;
  readonly #source: AbortSource | undefined;

  constructor(attempt: number, source: AbortSource | undefined) {
    this.attempt = attempt;
    this.#source = source;
  }

  get signal(): AbortSignal {
    return signalOf(this.#source);
  }

  /** The abort source this context hands on (for pipelines, without building a signal). */
  get [handedOnSource](): AbortSource | undefined {
    return this.#source;
  }
}
