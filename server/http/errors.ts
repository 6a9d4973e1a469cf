// Every answer under /api is JSON `{ statusCode, error, message }`: route errors,
// validation, framework errors (a bad URL, an over-long parameter), unknown paths in any
// case or with doubled slashes, and the static handler's refusals.
import { RedisUnavailable } from '../cluster/redis.ts';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { isToldStorageError, StoreUnavailableError } from '../store/errors.ts';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(errorBody(statusCode, message));
}

/** /api, /api/…, /API/…, //api/… : the API's paths, whatever the router made of them. */
export function isApiPath(url: string): boolean {
  return /^\/+api(?:[/?#]|$)/i.test(url);
}

/** Errors thrown by handlers, hooks, parsers and validation. A 5xx says nothing of its
 * cause, except the ones made to be told (a full disk: 507, nothing was stored; the
 * database unavailable: 503, try again). */
export function onError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode <= 599 ? err.statusCode : 500;
  // A 5xx that says what is unavailable (the store full or away, Redis away) is worth telling.
  const told = status < 500 || isToldStorageError(err) || err instanceof RedisUnavailable;
  if (status >= 500) req.log.error(err);
  if (err instanceof StoreUnavailableError) reply.header('retry-after', '5');
  sendError(reply, status, told ? err.message : 'internal error');
}

/** Fastify's own early errors (a URL that is not valid UTF-8, an over-long parameter). */
export function onFrameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_BAD_URL' ? 'url: a part of the path is not valid UTF-8 once percent-decoded' : err.message;
  sendError(reply, err.statusCode && err.statusCode >= 400 ? err.statusCode : 400, message);
}

/** Validation errors name the field: "body/lat must be <= 90", "body/colour is not allowed". */
export function fieldError(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const e = errors[0];
  const path = `${dataVar}${e.instancePath}`;
  const p = e.params as { additionalProperty?: string; missingProperty?: string };
  if (e.keyword === 'additionalProperties' && p.additionalProperty) return new Error(`${path}/${p.additionalProperty} is not allowed`);
  if (e.keyword === 'required' && p.missingProperty) return new Error(`${path}/${p.missingProperty} is required`);
  return new Error(`${path} ${e.message}`);
}
