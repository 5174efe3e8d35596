import { DuplicatePolicyError } from '../errors/duplicate-policy-error.js';
import type { Disposable } from '../events/disposable.js';
import { Emitter } from '../events/emitter.js';
import type { HealthStatus, ObservablePolicy, PolicySnapshotBase } from '../policy/observable-policy.js';

/** Every registered policy's snapshot at one instant. */
export interface RegistrySnapshot {
  readonly health: HealthStatus;
  readonly policies: readonly PolicySnapshotBase[];
}

/** A health summary, e.g. for a `/health` route. */
export interface HealthReport {
  /** `healthy` when every policy is; `unhealthy` when every policy is; otherwise `degraded`. */
  readonly status: HealthStatus;
  /** Policies that are not healthy, with their status. */
  readonly degraded: readonly { readonly kind: string; readonly name: string; readonly health: HealthStatus }[];
  readonly total: number;
}

/**
 * Named policies, shared by name (one `payments` breaker for every route that names it) and
 * reported together. A name is unique per kind: a breaker and a bulkhead may both be `payments`.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const payments = registry.getOrCreate('circuit-breaker', 'payments', () => circuitBreaker({ name: 'payments' }));
 * app.get('/health', (_req, res) => res.json(registry.health()));
 * ```
 */
export class Registry {
  readonly #policies = new Map<string, ObservablePolicy>();
  readonly #registered = new Emitter<ObservablePolicy>('registry.onRegister');

  /** Adds a policy; throws {@link DuplicatePolicyError} if another one holds its kind and name. */
  register<P extends ObservablePolicy>(policy: P): P {
    const key = keyOf(policy.kind, policy.name);
    const existing = this.#policies.get(key);
    if (existing !== undefined && existing !== policy) throw new DuplicatePolicyError(policy.kind, policy.name);
    if (existing === policy) return policy;
    this.#policies.set(key, policy);
    if (this.#registered.hasListeners) this.#registered.emit(policy);
    return policy;
  }

  /**
   * Calls `listener` with every policy registered from now on (a metrics collector subscribes to the
   * events of policies built after it). Listener errors never reach `register`.
   */
  onRegister(listener: (policy: ObservablePolicy) => void): Disposable {
    return this.#registered.subscribe(listener);
  }

  /** The policy of this kind and name, or undefined. */
  get(kind: string, name: string): ObservablePolicy | undefined {
    return this.#policies.get(keyOf(kind, name));
  }

  /** The registered policy of this kind and name, or the one `create` builds (then registered). */
  getOrCreate<P extends ObservablePolicy>(kind: string, name: string, create: () => P): P {
    const existing = this.#policies.get(keyOf(kind, name));
    if (existing !== undefined) return existing as P;
    const created = create();
    if (created.kind !== kind || created.name !== name) {
      throw new TypeError(`registry.getOrCreate: built ${created.kind} "${created.name}" for ${kind} "${name}"`);
    }
    return this.register(created);
  }

  /** Removes a policy (without closing it); true when it was there. */
  unregister(kind: string, name: string): boolean {
    return this.#policies.delete(keyOf(kind, name));
  }

  /** Every registered policy. */
  list(): ObservablePolicy[] {
    return [...this.#policies.values()];
  }

  snapshot(): RegistrySnapshot {
    const policies = this.list().map((policy) => policy.snapshot());
    return { health: summarise(policies.map((p) => p.health)), policies };
  }

  health(): HealthReport {
    const snapshots = this.list().map((policy) => policy.snapshot());
    return {
      status: summarise(snapshots.map((p) => p.health)),
      degraded: snapshots.filter((p) => p.health !== 'healthy').map(({ kind, name, health }) => ({ kind, name, health })),
      total: snapshots.length,
    };
  }

  /** Closes and removes every policy; one that throws does not stop the others (errors are rethrown together). */
  close(): void {
    const errors: unknown[] = [];
    for (const policy of this.#policies.values()) {
      try {
        policy.close();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#policies.clear();
    if (errors.length > 0) throw new AggregateError(errors, `registry.close: ${errors.length} policies failed to close`);
  }
}

function keyOf(kind: string, name: string): string {
  return `${kind}\u0000${name}`;
}

function summarise(statuses: readonly HealthStatus[]): HealthStatus {
  if (statuses.every((status) => status === 'healthy')) return 'healthy';
  return statuses.every((status) => status === 'unhealthy') ? 'unhealthy' : 'degraded';
}
