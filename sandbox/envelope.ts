import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** Smile's error codes and the HTTP status each comes with (api-conventions.md). */
export const SMILE_ERRORS = {
  INVALID_PARAMETERS: 400,
  INVALID_CREDENTIALS: 401,
  INVALID_TOKEN: 401,
  UNAUTHORIZED_ACCESS: 403,
  MISSING_RESOURCE: 404,
  REQUEST_LIMIT_EXCEEDED: 429,
  SERVER_ERROR: 500,
  SERVER_UNAVAILABLE: 503,
  TIME_LIMIT_EXCEEDED: 504,
} as const;
export type SmileErrorCode = keyof typeof SMILE_ERRORS;

/** Smile's envelope: `{ code, message, requestId, data }`. */
export function ok<T>(data: T) {
  return { code: 'OK', message: 'Success', requestId: randomUUID(), data };
}

export function fail(reply: FastifyReply, code: SmileErrorCode, message: string) {
  return reply.code(SMILE_ERRORS[code]).send({ code, message, requestId: randomUUID(), data: {} });
}

/** Smile-style ids: a prefix and 32 hex characters (`tenantId-…`, `a-…`, `et-…`). */
export function smileId(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString('hex')}`;
}
