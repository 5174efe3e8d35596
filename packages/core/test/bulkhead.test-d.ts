import { describe, expectTypeOf, it } from 'vitest';
import {
  bulkhead,
  sharedBulkhead,
  type Admission,
  type Bulkhead,
  type BulkheadAdmission,
  type BulkheadFullError,
  type BulkheadOptions,
  type BulkheadPermit,
  type BulkheadRejected,
  type BulkheadRejection,
  type BulkheadRejectionReason,
  type BulkheadSnapshot,
  type Disposable,
  type ExecutionContext,
  type ObservablePolicy,
  type Permit,
  type Registry,
  type Rejection,
  type ResolvedBulkheadOptions,
} from '../src/index.js';

declare const pool: Bulkhead;
declare const registry: Registry;

describe('bulkhead()', () => {
  it('returns a Bulkhead, an observable policy', () => {
    expectTypeOf(bulkhead({ name: 'db', maxConcurrent: 1 })).toEqualTypeOf<Bulkhead>();
    expectTypeOf(sharedBulkhead(registry, { name: 'db', maxConcurrent: 1 })).toEqualTypeOf<Bulkhead>();
    expectTypeOf(pool).toExtend<ObservablePolicy<BulkheadSnapshot>>();
    expectTypeOf(pool.kind).toEqualTypeOf<'bulkhead'>();
    expectTypeOf(pool.options).toEqualTypeOf<ResolvedBulkheadOptions>();
    expectTypeOf(pool.options.queueTimeout).toEqualTypeOf<number | undefined>();
  });

  it('requires a name and maxConcurrent', () => {
    // @ts-expect-error maxConcurrent is required
    bulkhead({ name: 'db' });
    // @ts-expect-error name is required
    bulkhead({ maxConcurrent: 1 });
    expectTypeOf<BulkheadOptions['maxQueue']>().toEqualTypeOf<number | undefined>();
  });

  it('acquire() answers a permit or a rejection, at once or later', () => {
    expectTypeOf(pool.acquire()).toEqualTypeOf<BulkheadAdmission | Promise<BulkheadAdmission>>();
    expectTypeOf<BulkheadAdmission>().toExtend<Admission>();
    expectTypeOf<BulkheadPermit>().toExtend<Permit>();
    expectTypeOf<BulkheadRejection>().toExtend<Rejection>();
    expectTypeOf<BulkheadRejection['error']>().toEqualTypeOf<BulkheadFullError>();
    expectTypeOf<BulkheadRejection['reason']>().toEqualTypeOf<BulkheadRejectionReason>();
    expectTypeOf<BulkheadRejectionReason>().toEqualTypeOf<'full' | 'queue-timeout' | 'closed'>();
  });

  it('execute() keeps the result type', () => {
    expectTypeOf(pool.execute(() => 1)).toEqualTypeOf<Promise<number>>();
    pool.execute((context) => expectTypeOf(context).toEqualTypeOf<ExecutionContext>());
  });

  it('events and snapshots are typed', () => {
    expectTypeOf(pool.onReject((event) => expectTypeOf(event).toEqualTypeOf<BulkheadRejected>())).toEqualTypeOf<Disposable>();
    expectTypeOf(pool.snapshot()).toEqualTypeOf<BulkheadSnapshot>();
    expectTypeOf<BulkheadSnapshot>().toHaveProperty('active').toBeNumber();
    expectTypeOf<BulkheadSnapshot>().toHaveProperty('queued').toBeNumber();
    expectTypeOf<BulkheadSnapshot>().toHaveProperty('rejected').toBeNumber();
    expectTypeOf<BulkheadFullError['retryAfterMs']>().toBeNumber();
  });
});
