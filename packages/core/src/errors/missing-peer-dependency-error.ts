import { BreakwaterError } from './breakwater-error.js';
import { ErrorCode } from './codes.js';

/**
 * A feature needs an optional peer dependency that is not installed (or could not be loaded).
 *
 * @example
 * ```ts
 * try { prometheusMetrics({ registry }); }
 * catch (error) { if (isBreakwaterError(error, 'ERR_MISSING_PEER_DEPENDENCY')) console.error(error.message); }
 * ```
 */
export class MissingPeerDependencyError extends BreakwaterError {
  /** The npm package to install, e.g. `prom-client`. */
  readonly packageName: string;

  constructor(packageName: string, feature: string, cause?: unknown) {
    super(
      ErrorCode.MissingPeerDependency,
      `${feature} needs the optional peer dependency "${packageName}", which could not be loaded: install it (npm install ${packageName}) or pass the module as the \`client\` option`,
      { cause },
    );
    this.packageName = packageName;
  }
}
