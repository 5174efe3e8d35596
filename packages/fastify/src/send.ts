import { representationHeaders, serializeBody, type HttpResponse } from '@breakwater/core';
import type { FastifyReply } from 'fastify';

/** Writes a core response through Fastify. */
export function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  const { payload, contentType } = serializeBody(response);
  return reply.code(response.status).headers(response.headers).type(contentType).send(payload);
}

/**
 * Turns the reply into the fallback's `response` from an `onSend` hook: status, headers (the old
 * body's representation headers removed) and the new payload, which it returns. A streamed payload
 * being replaced is destroyed.
 */
export function replace(reply: FastifyReply, payload: unknown, response: HttpResponse): string {
  (payload as { destroy?: () => void } | null)?.destroy?.();
  const { payload: text, contentType } = serializeBody(response);
  for (const name of representationHeaders) reply.removeHeader(name);
  reply.code(response.status).headers(response.headers).header('content-type', contentType);
  return text;
}
