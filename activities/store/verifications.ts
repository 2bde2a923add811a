import { CLOSED_STATUSES, type StatusDocument } from '../../workflows/types.js';
import type { Sql } from './db.js';

export interface Applicant {
  fullName?: string;
  dateOfBirth?: string;
  email?: string;
  phone?: string;
}

/** Stores a start request's personal data under its id: the workflow only ever sees the id. */
export async function saveRequest(
  sql: Sql,
  request: { requestId: string; externalUserId: string; applicant?: Applicant },
): Promise<void> {
  await sql`
    insert into verification_requests (request_id, external_user_id, applicant)
    values (${request.requestId}, ${request.externalUserId}, ${request.applicant ? sql.json(request.applicant as never) : null})
    on conflict (request_id) do nothing`;
}

/**
 * Upserts the run's row from the workflow's status document. A retried or late
 * write never overwrites a newer one (`updated_at` only moves forward).
 */
export async function recordVerification(
  sql: Sql,
  { runId, requestId, document }: { runId: string; requestId: string; document: StatusDocument },
): Promise<void> {
  const closedAt = CLOSED_STATUSES.includes(document.status) ? document.updatedAt : null;
  await sql`
    insert into verifications (run_id, verification_id, external_user_id, request_id, smile_user_id,
                               status, status_document, created_at, updated_at, closed_at)
    values (${runId}, ${document.verificationId}, ${document.externalUserId}, ${requestId}, ${document.smileUserId},
            ${document.status}, ${sql.json(document as never)}, ${document.createdAt}, ${document.updatedAt}, ${closedAt})
    on conflict (run_id) do update set
      smile_user_id = excluded.smile_user_id,
      status = excluded.status,
      status_document = excluded.status_document,
      updated_at = excluded.updated_at,
      closed_at = excluded.closed_at
    where verifications.updated_at <= excluded.updated_at`;
}

export interface StoredVerification {
  runId: string;
  status: StatusDocument['status'];
  document: StatusDocument;
  closed: boolean;
}

/** The newest run of a verification id, running or closed. */
export async function latestVerification(sql: Sql, verificationId: string): Promise<StoredVerification | undefined> {
  const [row] = await sql<{ run_id: string; status: StatusDocument['status']; status_document: StatusDocument; closed_at: Date | null }[]>`
    select run_id, status, status_document, closed_at from verifications
    where verification_id = ${verificationId}
    order by created_at desc limit 1`;
  return row && { runId: row.run_id, status: row.status, document: row.status_document, closed: row.closed_at !== null };
}

export async function findSmileUser(sql: Sql, externalUserId: string): Promise<string | undefined> {
  const [row] = await sql<{ smile_user_id: string }[]>`
    select smile_user_id from smile_users where external_user_id = ${externalUserId}`;
  return row?.smile_user_id;
}

/** Links a Smile user to an external user; the first link wins, and its id is returned. */
export async function saveSmileUser(sql: Sql, externalUserId: string, smileUserId: string): Promise<string> {
  const [row] = await sql<{ smile_user_id: string }[]>`
    insert into smile_users (smile_user_id, external_user_id) values (${smileUserId}, ${externalUserId})
    on conflict (external_user_id) do update set external_user_id = excluded.external_user_id
    returning smile_user_id`;
  return row!.smile_user_id;
}

/** The result callback's outcome, written into the stored status document of a closed run. */
export async function recordCallbackOutcome(
  sql: Sql,
  { runId, callback }: { runId: string; callback: NonNullable<StatusDocument['callback']> },
): Promise<void> {
  await sql`
    update verifications
    set status_document = jsonb_set(status_document, '{callback}', ${sql.json(callback as never)})
    where run_id = ${runId}`;
}
