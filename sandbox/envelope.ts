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

/** A Smile error thrown from sandbox logic; the routes turn it into the envelope. */
export class SandboxError extends Error {
  constructor(
    readonly code: SmileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** Smile's envelope: `{ code, message, requestId, data }`. */
export function ok<T>(data: T) {
  return { code: 'OK', message: 'Success', requestId: randomUUID(), data };
}

/** Smile's CommonResponse, for answers without data (deletes). */
export function okEmpty() {
  return { code: 'OK', message: 'Success', requestId: randomUUID() };
}

export function fail(reply: FastifyReply, code: SmileErrorCode, message: string) {
  return reply.code(SMILE_ERRORS[code]).send({ code, message, requestId: randomUUID(), data: {} });
}

/** Smile-style ids: a prefix and 32 hex characters (`tenantId-…`, `a-…`, `et-…`). */
export function smileId(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString('hex')}`;
}

/** Smile's page size: 10 by default, at most 150 (api-conventions.md, "List results and Pagination"). */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 150;

/**
 * Cursor pagination over an in-memory list. The cursor is the offset of the
 * next item; `nextCursor` is null on the last page, as in Smile's examples.
 */
export function paginate<T>(items: readonly T[], query: { size?: string; cursor?: string }) {
  const size = query.size === undefined ? DEFAULT_PAGE_SIZE : Number(query.size);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new SandboxError('INVALID_PARAMETERS', `size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const offset = query.cursor === undefined ? 0 : Number(query.cursor);
  if (!/^\d+$/.test(query.cursor ?? '0') || offset > items.length) {
    throw new SandboxError('INVALID_PARAMETERS', 'cursor is not a cursor this endpoint returned');
  }
  const end = offset + size;
  return { nextCursor: end < items.length ? String(end) : null, items: items.slice(offset, end) };
}
