import type { Outcome, VerificationStatus } from '../workflows/types.js';
import type { Db } from './client.js';

/** Where a page ends: the last item's sort key (created_at to the microsecond, as Postgres holds it). */
export interface SearchKey {
  createdAt: string;
  runId: string;
}

export interface SearchFilter {
  status?: VerificationStatus;
  decision?: Outcome;
  externalUserId?: string;
  createdAfter?: string;
  createdBefore?: string;
  limit: number;
  after?: SearchKey;
}

export interface SearchItem {
  verificationId: string;
  runId: string;
  externalUserId: string;
  status: VerificationStatus;
  decision: Outcome | null;
  createdAt: string;
  updatedAt: string;
}

interface SearchRow {
  verification_id: string;
  run_id: string;
  external_user_id: string;
  status: VerificationStatus;
  decision: Outcome | null;
  created_at: Date;
  updated_at: Date;
  created_key: string;
}

/**
 * Runs newest first, one page. Keyset pagination on (created_at desc,
 * run_id desc), never OFFSET: a page after `after` starts strictly below that
 * key, so rows inserted meanwhile (newer, so above it) neither repeat nor shift
 * an item. Each filter has an index ending in that key (migration 0011).
 */
export async function searchVerifications(
  sql: Db,
  filter: SearchFilter,
): Promise<{ items: SearchItem[]; last?: SearchKey }> {
  const { status, decision, externalUserId, createdAfter, createdBefore, limit, after } = filter;
  const rows = await sql<SearchRow[]>`
    select verification_id, run_id, external_user_id, status, decision, created_at, updated_at,
           to_json(created_at) #>> '{}' as created_key
    from verifications
    where true
      ${status ? sql`and status = ${status}` : sql``}
      ${decision ? sql`and decision = ${decision}` : sql``}
      ${externalUserId ? sql`and external_user_id = ${externalUserId}` : sql``}
      ${createdAfter ? sql`and created_at >= ${createdAfter}` : sql``}
      ${createdBefore ? sql`and created_at < ${createdBefore}` : sql``}
      ${after ? sql`and (created_at, run_id) < (${after.createdAt}::timestamptz, ${after.runId})` : sql``}
    order by created_at desc, run_id desc
    limit ${limit + 1}`;
  const page = rows.slice(0, limit);
  const items = page.map((row) => ({
    verificationId: row.verification_id,
    runId: row.run_id,
    externalUserId: row.external_user_id,
    status: row.status,
    decision: row.decision,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
  const lastRow = page.at(-1);
  // One row more than the page says whether another page follows.
  return rows.length > limit && lastRow
    ? { items, last: { createdAt: lastRow.created_key, runId: lastRow.run_id } }
    : { items };
}
