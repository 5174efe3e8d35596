import { ConfigError } from '../errors/config-error.js';
import type { Registry } from '../registry/registry.js';
import { Bulkhead, bulkhead } from './bulkhead.js';
import type { BulkheadOptions } from './options.js';

/** The limits two declarations of one pool must agree on. */
const limits = ['maxConcurrent', 'maxQueue', 'queueTimeout'] as const;

/**
 * The bulkhead named `options.name` in `registry`: built and registered on first use, the same
 * instance afterwards. Routes that name the same pool share its capacity; routes with their own
 * names are isolated from each other. A pool is configured once: declaring it again with other
 * limits throws {@link ConfigError} naming the first limit that differs.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * // /reports and /exports share 10 database slots; /search has its own 20.
 * const reports = sharedBulkhead(registry, { name: 'reports-db', maxConcurrent: 10 });
 * const exports = sharedBulkhead(registry, { name: 'reports-db', maxConcurrent: 10 });
 * const search = sharedBulkhead(registry, { name: 'search-db', maxConcurrent: 20 });
 * ```
 */
export function sharedBulkhead(registry: Registry, options: BulkheadOptions): Bulkhead {
  const candidate = bulkhead(options);
  const existing = registry.getOrCreate('bulkhead', candidate.name, () => candidate);
  if (existing === candidate) return candidate;
  if (!(existing instanceof Bulkhead)) throw new TypeError(`sharedBulkhead: "${candidate.name}" is registered as something other than a Bulkhead`);
  for (const limit of limits) {
    if (existing.options[limit] !== candidate.options[limit]) {
      throw new ConfigError([
        {
          path: `bulkhead.${limit}`,
          message: `expected ${String(existing.options[limit])}, as bulkhead "${candidate.name}" was first declared with`,
          received: options[limit],
        },
      ]);
    }
  }
  return existing;
}
