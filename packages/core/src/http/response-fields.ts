import { mergeFieldValue } from './http-response.js';

/** What {@link setResponseField} writes on: a Node `http.ServerResponse` (Express's and Koa's `res`). */
export interface FieldResponse {
  readonly headersSent: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
}

type FieldTable = Record<string, [string, unknown]>;

/**
 * The key of the table a Node response keeps its header fields in (`kOutHeaders`): `undefined` until
 * the first response is seen, `null` when it was not found or did not behave (then `setHeader`).
 */
let tableKey: symbol | null | undefined;

/**
 * Sets header field `name` (lower-case) of a Node response to `value`, merged with the value an
 * earlier Breakwater guard wrote ({@link mergeFieldValue}), as
 * `res.setHeader(name, mergeFieldValue(name, res.getHeader(name), value))` does, for less.
 *
 * `getHeader` and `setHeader` lower-case the name each time and `setHeader` checks name and value
 * with two regular expressions: for the two `RateLimit` fields about 2,000 instructions per request
 * under callgrind. Breakwater's own names are lower-case and its values valid, so the field goes
 * straight into the table Node writes the head from, found once by its description on the first
 * response and checked there through `getHeader`; should that check fail (another Node), or once
 * the head is sent, `setHeader` does it.
 *
 * @example
 * ```ts
 * for (const name in ticket.headers) setResponseField(res, name, ticket.headers[name]);
 * ```
 */
export function setResponseField(res: FieldResponse, name: string, value: string): void {
  const key = tableKey === undefined ? findTableKey(res, name, value) : tableKey;
  if (key === null || res.headersSent) {
    res.setHeader(name, mergeFieldValue(name, res.getHeader(name), value));
    return;
  }
  const holder = res as unknown as Record<symbol, FieldTable | null>;
  let table = holder[key];
  if (table === null || table === undefined) holder[key] = table = Object.create(null) as FieldTable;
  const previous = table[name];
  table[name] = [name, previous === undefined ? value : mergeFieldValue(name, previous[1], value)];
}

/** Looks for the field table on `res`, and checks it by writing `name` there (which the caller was about to). */
function findTableKey(res: FieldResponse, name: string, value: string): symbol | null {
  tableKey = null;
  const key = Object.getOwnPropertySymbols(res).find((symbol) => symbol.description === 'kOutHeaders');
  if (key === undefined || res.headersSent || res.getHeader(name) !== undefined) return null;
  const holder = res as unknown as Record<symbol, FieldTable | null>;
  const table = holder[key];
  if (table !== null && typeof table !== 'object') return null;
  const probe = table ?? (Object.create(null) as FieldTable);
  probe[name] = [name, value];
  holder[key] = probe;
  const works = res.getHeader(name) === value;
  // Undone either way: the caller writes the field for real.
  delete probe[name];
  if (table === null) holder[key] = null;
  if (!works) return null;
  tableKey = key;
  return key;
}
