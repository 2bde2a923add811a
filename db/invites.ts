import type { Db } from './client.js';

/** The contact an invite is sent to: personal data, stored with the start request. */
export interface InviteContact {
  email: string;
  phone?: string;
}

export interface StoredInvite {
  inviteId: string;
  smileUserId: string;
  url: string;
}

export async function loadInviteContact(sql: Db, requestId: string): Promise<InviteContact | undefined> {
  const [row] = await sql<{ invite: InviteContact | null }[]>`
    select invite from verification_requests where request_id = ${requestId}`;
  return row?.invite ?? undefined;
}

/**
 * Records the intent to invite for a start request, before Smile is asked. Answers
 * when it was first recorded, whether this call recorded it, and the invite an
 * earlier attempt stored, if any.
 */
export async function recordInviteIntent(
  sql: Db,
  requestId: string,
  externalUserId: string,
): Promise<{ createdAt: Date; fresh: boolean; stored?: StoredInvite }> {
  const inserted = await sql<{ created_at: Date }[]>`
    insert into invites (request_id, external_user_id) values (${requestId}, ${externalUserId})
    on conflict (request_id) do nothing
    returning created_at`;
  if (inserted[0]) return { createdAt: inserted[0].created_at, fresh: true };
  const [row] = await sql<
    { created_at: Date; invite_id: string | null; smile_user_id: string | null; url: string | null }[]
  >`select created_at, invite_id, smile_user_id, url from invites where request_id = ${requestId}`;
  const stored =
    row?.invite_id && row.smile_user_id
      ? { inviteId: row.invite_id, smileUserId: row.smile_user_id, url: row.url ?? '' }
      : undefined;
  return { createdAt: row!.created_at, fresh: false, ...(stored ? { stored } : {}) };
}

export async function saveInvite(sql: Db, requestId: string, invite: StoredInvite): Promise<void> {
  await sql`
    update invites set invite_id = ${invite.inviteId}, smile_user_id = ${invite.smileUserId}, url = ${invite.url}
    where request_id = ${requestId} and invite_id is null`;
}
