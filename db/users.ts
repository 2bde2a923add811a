import type { Applicant } from '../workflows/types.js';
import type { Db, Sql } from './client.js';
import type { InviteContact } from './invites.js';
import { erasureInProgress, lockUserErasure } from './user-erasures.js';

/** Stores a start request's personal data under its id: the workflow only ever sees the id. */
/**
 * Saves a start request's applicant, unless the user's erasure is in progress:
 * false then, and nothing is written. The check and the insert hold the user's
 * erasure lock (`lockUserErasure`), so a start either commits before the
 * erasure is requested (and the erasure cancels and erases its run) or sees it.
 */
export async function saveRequest(
  sql: Sql,
  request: { requestId: string; externalUserId: string; applicant?: Applicant; invite?: InviteContact },
): Promise<boolean> {
  return sql.begin(async (tx) => {
    await lockUserErasure(tx, request.externalUserId);
    if (await erasureInProgress(tx, request.externalUserId)) return false;
    await tx`
      insert into verification_requests (request_id, external_user_id, applicant, invite)
      values (${request.requestId}, ${request.externalUserId}, ${request.applicant ? tx.json(request.applicant as never) : null},
              ${request.invite ? tx.json(request.invite as never) : null})
      on conflict (request_id) do nothing`;
    return true;
  }) as Promise<boolean>;
}

/** The applicant a start request named; empty when none was given or it was erased. */
export async function loadApplicant(sql: Db, requestId: string): Promise<Applicant> {
  const [row] = await sql<{ applicant: Applicant | null }[]>`
    select applicant from verification_requests where request_id = ${requestId}`;
  return row?.applicant ?? {};
}

export async function findSmileUser(sql: Db, externalUserId: string): Promise<string | undefined> {
  const [row] = await sql<{ smile_user_id: string }[]>`
    select smile_user_id from smile_users where external_user_id = ${externalUserId}`;
  return row?.smile_user_id;
}

/** The external users the given Smile users belong to (those any verification ever started for). */
export async function externalUsersOf(sql: Db, smileUserIds: string[]): Promise<Map<string, string>> {
  if (smileUserIds.length === 0) return new Map();
  // An invite's Smile user belongs to the external user whose run created the invite (the view has both).
  const rows = await sql<{ smile_user_id: string; external_user_id: string }[]>`
    select smile_user_id, external_user_id from smile_user_owners where smile_user_id = any(${smileUserIds})`;
  return new Map(rows.map((row) => [row.smile_user_id, row.external_user_id]));
}

/** Links a Smile user to an external user; the first link wins, and its id is returned. */
export async function saveSmileUser(sql: Db, externalUserId: string, smileUserId: string): Promise<string> {
  const [row] = await sql<{ smile_user_id: string }[]>`
    insert into smile_users (smile_user_id, external_user_id) values (${smileUserId}, ${externalUserId})
    on conflict (external_user_id) do update set external_user_id = excluded.external_user_id
    returning smile_user_id`;
  return row!.smile_user_id;
}
