export { ManualClock, flushMicrotasks } from './manual-clock.js';
export {
  describeStoreConformance,
  runStoreConformanceCase,
  storeConformanceCases,
  type ConformanceContext,
  type ConformanceTestApi,
  type MakeStore,
  type StoreConformanceCase,
  type StoreConformanceOptions,
} from './store-conformance.js';
export { parsePrometheusText, sampleValue, type PrometheusSample } from './prometheus-text.js';
