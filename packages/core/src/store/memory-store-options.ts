import { z } from 'zod';
import { intSchema } from '../config/schema-helpers.js';

/** The single home of the memory store's defaults; TSDoc `@default`s mirror these. */
export const memoryStoreDefaults = {
  maxKeys: 100_000,
} as const;

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The most keys held at once; past it, the least recently used key is dropped (and counted in
   * `stats().evictions`). A key is used whenever a request is decided on it, refused ones included,
   * so a client that keeps hammering a limit stays limited through a flood of new keys.
   * @default 100000
   */
  readonly maxKeys?: number;
}

/** Validates and resolves {@link MemoryStoreOptions}. */
export const memoryStoreOptionsSchema = z
  .object({
    maxKeys: intSchema(1, 2 ** 30).default(memoryStoreDefaults.maxKeys),
  })
  .strict()
  .default({ maxKeys: memoryStoreDefaults.maxKeys });

/** Options after parsing. */
export type ResolvedMemoryStoreOptions = Readonly<z.output<typeof memoryStoreOptionsSchema>>;
