import { limitStep, type AlgorithmState } from '../../rate-limit/algorithms/run-step.js';
import type { Decision } from '../../store/decision.js';
import type { LimitSpec } from '../../store/limit-spec.js';
import { assertThat } from './assert.js';
import { seededRandom, type StoreConformanceCase, tuple } from './harness.js';
import { atStart, decisionTables } from './tables.js';

const day = 86_400_000;
const specs: readonly LimitSpec[] = [
  { id: 'conformance:c-token-bucket', algorithm: 'token-bucket', capacity: 5, refillRate: 2, refillIntervalMs: 1000 },
  { id: 'conformance:c-gcra', algorithm: 'gcra', limit: 3, periodMs: 1000, burst: 5 },
  { id: 'conformance:c-sliding', algorithm: 'sliding-window', limit: 5, windowMs: 1000 },
  { id: 'conformance:c-fixed', algorithm: 'fixed-window', limit: 5, windowMs: 1000 },
  { id: 'conformance:c-calendar', algorithm: 'calendar-window', limit: 5, windowStart: 0, windowEnd: 10 * day },
];

const tables: StoreConformanceCase[] = decisionTables.map((table) => ({
  name: `exact decisions: ${table.name}`,
  async run({ consume, peek, start }) {
    for (const [i, step] of table.steps.entries()) {
      const spec = atStart(step.spec ?? table.spec, start);
      const decision = step.op === 'peek' ? await peek(spec, 'client', step.at) : await consume(spec, 'client', step.cost ?? 1, step.at);
      assertThat(tuple(decision, start), `step ${i}: ${step.op} cost ${step.cost ?? 1} at +${step.at} ms`).toEqual(step.expect);
    }
  },
}));

const perAlgorithm = (name: string, run: (spec: LimitSpec, context: Parameters<StoreConformanceCase['run']>[0]) => Promise<void>): StoreConformanceCase[] =>
  specs.map((spec) => ({ name: `${name} (${spec.algorithm})`, run: (context) => run(atStart(spec, context.start), context) }));

/** The same random walk through the store and through the reference step function agree exactly. */
async function modelWalk(spec: LimitSpec, context: Parameters<StoreConformanceCase['run']>[0]): Promise<void> {
  const random = seededRandom(spec.id.length * 7919);
  let state: AlgorithmState | undefined;
  let elapsed = 0;
  for (let i = 0; i < 300; i++) {
    elapsed += Math.floor(random() * random() * 700);
    const now = context.start + elapsed;
    const peek = random() < 0.15;
    const cost = Math.floor(random() * 4);
    const decision = peek ? await context.peek(spec, 'walker', elapsed) : await context.consume(spec, 'walker', cost, elapsed);
    const expected = peek ? peekModel(state, spec, now) : limitStep(state, spec, now, cost).decision;
    assertThat(decision, `step ${i}: ${peek ? 'peek' : `consume ${cost}`} at +${elapsed} ms`).toEqual(expected);
    if (!peek && decision.allowed) state = limitStep(state, spec, now, cost).state;
  }
}

function peekModel(state: AlgorithmState | undefined, spec: LimitSpec, now: number): Decision {
  const one = limitStep(state, spec, now, 1).decision;
  const current = limitStep(state, spec, now, 0).decision;
  return { ...current, allowed: one.allowed, retryAfterMs: one.retryAfterMs };
}

const behaviour: StoreConformanceCase[] = [
  ...perAlgorithm('decisions equal the reference step function over a random walk', modelWalk),
  ...perAlgorithm('many concurrent consumes on one key never admit more than the limit', async (spec, { store, concurrency, at }) => {
    const now = at(0);
    const decisions = await Promise.all(Array.from({ length: concurrency }, () => store.consume(spec, 'hot', 1, now)));
    assertThat(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
  }),
  ...perAlgorithm('peek reports without charging', async (spec, { consume, peek }) => {
    assertThat(await peek(spec, 'fresh', 0)).toMatchObject({ allowed: true, remaining: 5, retryAfterMs: 0 });
    await consume(spec, 'used', 5, 0);
    const first = await peek(spec, 'used', 0);
    assertThat(first).toMatchObject({ allowed: false, remaining: 0 });
    assertThat(first.retryAfterMs).toBeGreaterThan(0);
    assertThat(await peek(spec, 'used', 0)).toEqual(first);
    assertThat(await peek(spec, 'fresh', 0)).toMatchObject({ remaining: 5 });
  }),
  ...perAlgorithm('reset forgets one key of one limit only', async (spec, { store, consume }) => {
    const other: LimitSpec = { ...spec, id: `${spec.id}:other` };
    await consume(spec, 'a', 5, 0);
    await consume(spec, 'b', 5, 0);
    await consume(other, 'a', 5, 0);
    await store.reset(spec, 'a');
    assertThat(await consume(spec, 'a', 5, 0)).toMatchObject({ allowed: true, remaining: 0 });
    assertThat(await consume(spec, 'b', 1, 0)).toMatchObject({ allowed: false });
    assertThat(await consume(other, 'a', 1, 0)).toMatchObject({ allowed: false });
  }),
  ...perAlgorithm('keys and limits are independent; a refusal charges nothing', async (spec, { consume }) => {
    const other: LimitSpec = { ...spec, id: `${spec.id}:second` };
    assertThat(await consume(spec, 'x', 5, 0)).toMatchObject({ allowed: true, remaining: 0 });
    assertThat(await consume(spec, 'y', 5, 0)).toMatchObject({ allowed: true, remaining: 0 });
    assertThat(await consume(other, 'x', 3, 0)).toMatchObject({ allowed: true, remaining: 2 });
    assertThat(await consume(other, 'x', 6, 0)).toMatchObject({ allowed: false, remaining: 2 });
    assertThat(await consume(other, 'x', 2, 0)).toMatchObject({ allowed: true, remaining: 0 });
  }),
  ...perAlgorithm('a cost of 0 is admitted and charges nothing', async (spec, { consume }) => {
    await consume(spec, 'zero', 5, 0);
    assertThat(await consume(spec, 'zero', 0, 0)).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: 0 });
  }),
  ...perAlgorithm('a key is whole again at resetAt', async (spec, { consume, peek, start }) => {
    const decision = await consume(spec, 'expiring', 5, 0);
    assertThat(decision.allowed).toBe(true);
    assertThat(await peek(spec, 'expiring', decision.resetAt - start - 1)).toMatchObject({ allowed: spec.algorithm !== 'fixed-window' && spec.algorithm !== 'calendar-window' });
    if (spec.algorithm === 'calendar-window') return; // its next window needs the caller's next spec
    assertThat(await peek(spec, 'expiring', decision.resetAt - start)).toMatchObject({ allowed: true, remaining: 5 });
  }),
];

export const storeCases: readonly StoreConformanceCase[] = [...tables, ...behaviour];
