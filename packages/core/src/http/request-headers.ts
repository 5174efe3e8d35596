/** A Node request's headers (`IncomingMessage.headers`): lower-case names, repeated fields as arrays. */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One header of a Node request as one string: a repeated field's values joined with `, `.
 *
 * @example
 * ```ts
 * headerValue(req.headers, 'x-forwarded-for'); // '203.0.113.7, 10.0.0.1' or undefined
 * ```
 */
export function headerValue(headers: NodeHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' || value === undefined ? value : value.join(', ');
}

/**
 * The `header(name)` reader of a {@link RequestInfo} built from a Node request's headers.
 *
 * @example
 * ```ts
 * const info: RequestInfo = { ip, method, path, route: undefined, header: headerReader(req.headers) };
 * ```
 */
export function headerReader(headers: NodeHeaders): (name: string) => string | undefined {
  return (name) => headerValue(headers, name);
}
