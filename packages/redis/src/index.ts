export { RedisStore } from './redis-store.js';
export type { RedisStoreOptions, ResolvedRedisStoreOptions } from './redis-store-options.js';
export type { RedisClient } from './redis-client.js';
export { allScripts, batchScript, calendarWindowScript, fixedWindowScript, gcraScript, manyScript, slidingWindowScript, tokenBucketScript, type LuaScript } from './scripts/scripts.js';
export type { SharedBreakerOptions, ResolvedSharedBreakerOptions } from './breaker/shared-breaker-options.js';
export {
  breakerCommandScript,
  breakerLeaseScript,
  breakerProbeScript,
  breakerReadScript,
  breakerRecordScript,
  breakerRestoreScript,
  breakerScripts,
} from './breaker/lua/scripts.js';
