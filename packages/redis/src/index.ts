export { RedisStore } from './redis-store.js';
export type { RedisStoreOptions, ResolvedRedisStoreOptions } from './redis-store-options.js';
export type { RedisClient } from './redis-client.js';
export { allScripts, batchScript, calendarWindowScript, fixedWindowScript, gcraScript, slidingWindowScript, tokenBucketScript, type LuaScript } from './scripts/scripts.js';
