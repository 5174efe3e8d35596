import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * A registry already holds a different policy under this name.
 *
 * @example
 * ```ts
 * registry.register(circuitBreaker({ name: 'db' }));
 * registry.register(circuitBreaker({ name: 'db' })); // throws DuplicatePolicyError
 * ```
 */
export class DuplicatePolicyError extends BreakwaterError {
  /** Kind of the policy, e.g. `circuit-breaker`. */
  readonly kind: string;

  constructor(kind: string, name: string) {
    super(ErrorCode.DuplicatePolicy, `a ${kind} named "${name}" is already registered`, { policy: name });
    this.kind = kind;
  }
}
