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
 * it is found and checked, `null` when it did not behave (then always `setHeader`).
 */
let tableKey: symbol | null | undefined;
/** Responses looked at for the key without finding it; after {@link maxLooks} the search stops. */
let looks = 0;
const maxLooks = 16;

/**
 * Sets header field `name` (lower-case) of a Node response to `value`, merged with the value an
 * earlier Breakwater guard wrote ({@link mergeFieldValue}), as
 * `res.setHeader(name, mergeFieldValue(name, res.getHeader(name), value))` does, for less.
 *
 * `getHeader` and `setHeader` lower-case the name each time and `setHeader` checks name and value
 * with two regular expressions: for the two `RateLimit` fields about 2,000 instructions per request
 * under callgrind. Breakwater's own names are lower-case and its values valid, so the field goes
 * straight into the table an HTTP/1 response (`OutgoingMessage`) writes its head from, found by its
 * description and checked once through `getHeader`. `setHeader` does it for a response without that
 * table (an HTTP/2 compatibility response), once the head is sent, and everywhere should the check
 * fail (another Node).
 *
 * @example
 * ```ts
 * for (const name in ticket.headers) setResponseField(res, name, ticket.headers[name]);
 * ```
 */
export function setResponseField(res: FieldResponse, name: string, value: string): void {
  writeField(res, name, value, res.headersSent);
}

/**
 * Sets every field of `fields` as {@link setResponseField} does, asking whether the head is sent once
 * for all of them, and not at all when there is none. `isHeadSent` asks it (`res.headersSent` by
 * default), for a caller that reads it another way: an Express response has a V8 map of its own, so
 * the plain read costs V8 a runtime lookup (about 2,000 instructions), which the Express adapter avoids.
 *
 * @example
 * ```ts
 * setResponseFields(res, ticket.headers);
 * ```
 */
export function setResponseFields(res: FieldResponse, fields: Readonly<Record<string, string>>, isHeadSent: (res: FieldResponse) => boolean = headersSentOf): void {
  let headersSent: boolean | undefined;
  for (const name in fields) writeField(res, name, fields[name] as string, (headersSent ??= isHeadSent(res)));
}

const headersSentOf = (res: FieldResponse): boolean => res.headersSent;

function writeField(res: FieldResponse, name: string, value: string, headersSent: boolean): void {
  const key = tableKey === undefined ? findTableKey(res, name, value) : tableKey;
  const holder = res as unknown as Record<symbol, FieldTable | null | undefined>;
  // `undefined`: not an `OutgoingMessage`, whose constructor sets the table to `null`.
  const table = key === null || key === undefined ? undefined : holder[key];
  if (table === undefined || headersSent) {
    res.setHeader(name, mergeFieldValue(name, res.getHeader(name), value));
    return;
  }
  const fields = table ?? (holder[key as symbol] = Object.create(null) as FieldTable);
  const previous = fields[name];
  fields[name] = [name, previous === undefined ? value : mergeFieldValue(name, previous[1], value)];
}

/**
 * Looks for the field table on `res` and checks it by writing `name` there (which the caller was about
 * to), then undoing it. `undefined` (look again on a later response) when this response cannot tell.
 */
function findTableKey(res: FieldResponse, name: string, value: string): symbol | null | undefined {
  const key = Object.getOwnPropertySymbols(res).find((symbol) => symbol.description === 'kOutHeaders');
  const holder = res as unknown as Record<symbol, FieldTable | null | undefined>;
  const table = key === undefined ? undefined : holder[key];
  if (key === undefined || res.headersSent || res.getHeader(name) !== undefined || (table !== null && typeof table !== 'object')) {
    if (++looks >= maxLooks) tableKey = null;
    return undefined;
  }
  const probe = table ?? (Object.create(null) as FieldTable);
  probe[name] = [name, value];
  holder[key] = probe;
  const works = res.getHeader(name) === value;
  delete probe[name];
  if (table === null) holder[key] = null;
  tableKey = works ? key : null;
  return tableKey;
}
