/**
 * `target[name]`, read without an inline cache, for Express requests and responses. Express gives
 * each of them a V8 map of its own (see `requestInfo`), so a plain `res.statusCode` at a call site is
 * a load whose map V8 has never seen: a miss to V8's runtime (`Runtime_LoadIC_Miss`), about 2,000
 * instructions, on every request. V8 compiles `Reflect.get` to its generic lookup, which searches the
 * map's property descriptors without leaving generated code and caches nothing. Only for a read no
 * other code makes on the same map first: `req.url`, which Express's router reads just before the
 * middleware, hits V8's cache as a plain read. For an object whose map repeats (a plain Node request),
 * a plain read is the cheaper one.
 */
export function freshMapRead<T>(target: object, name: string): T {
  return Reflect.get(target, name) as T;
}
