/**
 * `target[name]`, read without an inline cache, for Express requests and responses. Express gives
 * each of them a V8 map of its own (see `watchEnd`), so a plain `req.url` at a call site is a load
 * whose map V8 has never seen: a miss to V8's runtime (`Runtime_LoadIC_Miss`), about 2,000
 * instructions, on every request. V8 compiles `Reflect.get` to its generic lookup, which searches the
 * map's property descriptors without leaving generated code and caches nothing. For an object whose
 * map repeats (any plain Node request), a plain read is the cheaper one.
 */
export function freshMapRead<T>(target: object, name: string): T {
  return Reflect.get(target, name) as T;
}
