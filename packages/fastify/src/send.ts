import { serializeBody, type HttpResponse } from '@breakwater/core';
import type { FastifyReply } from 'fastify';

/** Writes a core response through Fastify. */
export function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  const { payload, contentType } = serializeBody(response);
  return reply.code(response.status).headers(response.headers).type(contentType).send(payload);
}
