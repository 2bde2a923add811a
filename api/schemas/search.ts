import { z } from 'zod';
import type { SearchKey } from '../../db/search.js';
import { EXTERNAL_USER_ID_PATTERN } from '../../workflows/ids.js';
import { OUTCOMES, STATUSES } from '../../workflows/types.js';

const cursorKey = z.tuple([z.iso.datetime({ offset: true, local: false }), z.string().min(1).max(200)]);

/** The opaque cursor: base64url of the last item's sort key. */
export function encodeCursor(key: SearchKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.runId])).toString('base64url');
}

/** The key a cursor names; undefined for anything this service did not write. */
export function decodeCursor(cursor: string): SearchKey | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const parsed = cursorKey.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data[0], runId: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}

const dateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time (2026-12-01T00:00:00Z)' });

export const searchQuery = z
  .object({
    status: z.enum(STATUSES).optional(),
    decision: z.enum(OUTCOMES).optional(),
    externalUserId: z
      .string()
      .regex(EXTERNAL_USER_ID_PATTERN, 'must be 1-128 characters of [A-Za-z0-9._:@-]')
      .optional(),
    createdAfter: dateTime.optional().describe('inclusive'),
    createdBefore: dateTime.optional().describe('exclusive'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z
      .string()
      .max(600)
      .refine((cursor) => decodeCursor(cursor) !== undefined, 'is not a cursor this service issued')
      .optional()
      .describe('nextCursor of the previous page'),
  })
  .strict();

export const searchReply = z.object({
  items: z.array(
    z.object({
      verificationId: z.string(),
      runId: z.string(),
      externalUserId: z.string(),
      status: z.enum(STATUSES),
      decision: z.enum(OUTCOMES).nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable().describe('null on the last page'),
});
