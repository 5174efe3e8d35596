import { z } from 'zod';
import { functionSchema } from '../config/schema-helpers.js';

/** How a finished request settles its permits. */
export type Settlement = 'success' | 'failure' | 'release';

/** Which responses and errors count as failures. Defaults: 5xx and thrown errors fail, the rest succeed. */
export interface OutcomeOptions {
  /** Whether a response status counts as a failure. @default status >= 500 */
  readonly isFailureStatus?: (status: number) => boolean;
  /** Whether a thrown error counts as a failure; false counts it as a success. @default every error */
  readonly isFailureError?: (error: unknown) => boolean;
  /** Errors that say nothing about the dependency: the permits are released. @default none */
  readonly isIgnoredError?: (error: unknown) => boolean;
}

/** Validates {@link OutcomeOptions}. */
export const outcomeSchema = z
  .object({
    isFailureStatus: functionSchema<(status: number) => boolean>().default(() => (status: number) => status >= 500),
    isFailureError: functionSchema<(error: unknown) => boolean>().default(() => () => true),
    isIgnoredError: functionSchema<(error: unknown) => boolean>().default(() => () => false),
  })
  .strict();

export type ResolvedOutcomeOptions = z.output<typeof outcomeSchema>;

/**
 * Classifies the end of a request: the status written, or the error thrown.
 *
 * @example
 * ```ts
 * classifyStatus(resolved, 503); // 'failure'
 * ```
 */
export function classifyStatus(options: ResolvedOutcomeOptions, status: number): Settlement {
  return options.isFailureStatus(status) ? 'failure' : 'success';
}

/** Classifies a thrown error: ignored errors release, failures fail, the rest succeed. */
export function classifyError(options: ResolvedOutcomeOptions, error: unknown): Settlement {
  if (options.isIgnoredError(error)) return 'release';
  return options.isFailureError(error) ? 'failure' : 'success';
}
