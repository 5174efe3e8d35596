import { representationHeaders, type HttpResponse, type Ticket } from '@breakwater/core';
import type { Response } from 'express';

/** Largest body held back while the fallback decides; a longer failing response streams through as it is. */
const maxHeldBytes = 1 << 20;

type Chunk = { readonly data: unknown; readonly encoding: unknown };

/**
 * Watches the response for a failure the route's fallback should answer. Express gives no hook
 * between the handler and the socket, so `writeHead`, `write` and `end` are wrapped until the
 * status is known (at the first of them): a success restores them at once; a failure is held back
 * (the body buffered up to 1 MiB) while the fallback decides, then either the fallback's response
 * is written or the handler's is replayed unchanged. Headers already sent cannot be replaced.
 */
export function interceptFailures(res: Response, ticket: Ticket, write: (res: Response, response: HttpResponse) => void): void {
  const { writeHead, write: writeChunk, end } = res;
  let state: 'open' | 'held' | 'passed' = 'open';
  let head: unknown[] | undefined;
  const chunks: Chunk[] = [];
  let held = 0;

  const restore = (): void => {
    res.writeHead = writeHead;
    res.write = writeChunk;
    res.end = end;
  };
  const holds = (status: number): boolean => {
    if (state === 'open') state = !res.headersSent && ticket.intercepts(status) ? 'held' : 'passed';
    if (state === 'passed') restore();
    return state === 'held';
  };
  /** Writes what the handler wrote, as it wrote it. */
  const replay = (last?: Chunk): void => {
    restore();
    if (head !== undefined) (writeHead as (...args: unknown[]) => unknown).apply(res, head);
    for (const chunk of chunks.splice(0)) (writeChunk as (...args: unknown[]) => unknown).call(res, chunk.data, chunk.encoding);
    if (last !== undefined) (end as (...args: unknown[]) => unknown).call(res, last.data, last.encoding);
  };

  res.writeHead = function (this: Response, status: number, ...rest: unknown[]) {
    if (!holds(status)) return (writeHead as (...args: unknown[]) => Response).call(this, status, ...rest);
    head = [status, ...rest];
    res.statusCode = status;
    return this;
  } as Response['writeHead'];
  res.write = function (this: Response, data: unknown, encoding?: unknown, callback?: unknown) {
    if (!holds(res.statusCode)) return (writeChunk as (...args: unknown[]) => boolean).call(this, data, encoding, callback);
    chunks.push({ data, encoding: typeof encoding === 'function' ? undefined : encoding });
    held += typeof data === 'string' || Buffer.isBuffer(data) ? data.length : 0;
    if (held > maxHeldBytes) {
      state = 'passed';
      replay();
    }
    return true;
  } as Response['write'];
  res.end = function (this: Response, data?: unknown, encoding?: unknown, done?: unknown) {
    if (!holds(res.statusCode)) return (end as (...args: unknown[]) => Response).call(this, data, encoding, done);
    const last: Chunk = { data: typeof data === 'function' ? undefined : data, encoding: typeof encoding === 'function' ? undefined : encoding };
    const callback = [data, encoding, done].find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback !== undefined) res.once('finish', () => callback());
    restore();
    void ticket.recover(res.statusCode).then((response) => {
      if (response === undefined || res.destroyed) return replay(last);
      chunks.length = 0;
      for (const name of representationHeaders) res.removeHeader(name);
      write(res, response);
    });
    return this;
  } as Response['end'];
}
