/**
 * A request target's path: the target without its query string. What the adapters route by when
 * the framework's own parse is not needed (Fastify's URLs; plain origin-form URLs on Express).
 *
 * @example
 * ```ts
 * pathWithoutQuery('/orders/7?expand=items'); // '/orders/7'
 * ```
 */
export function pathWithoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
