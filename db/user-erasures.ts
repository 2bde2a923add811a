import type { Db } from './client.js';

/** A user's erasure as an operator sees it: ERASING from the request until every step is done. */
export interface UserErasure {
  status: 'ERASING' | 'ERASED';
  requestedAt: string;
  finishedAt?: string;
}

/** Serialises a user's start requests with their erasure requests: a transaction-scoped advisory lock. */
export async function lockUserErasure(tx: Db, externalUserId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${`erasure:${externalUserId}`}))`;
}

export async function erasureInProgress(tx: Db, externalUserId: string): Promise<boolean> {
  const [row] = await tx`
    select 1 from user_erasures where external_user_id = ${externalUserId} and finished_at is null`;
  return row !== undefined;
}

/**
 * Records that the user's erasure is asked for, before its workflow starts:
 * from now on a start for the user is refused. A request while one is in
 * progress keeps its time; one after an erasure finished starts a new one.
 */
export async function requestUserErasure(sql: Db, externalUserId: string): Promise<void> {
  const record = async (tx: Db) => {
    await lockUserErasure(tx, externalUserId);
    await tx`
      insert into user_erasures (external_user_id) values (${externalUserId})
      on conflict (external_user_id) do update set requested_at = now(), finished_at = null
      where user_erasures.finished_at is not null`;
  };
  await ('begin' in sql ? sql.begin(record) : record(sql));
}

/** The erasure's last step: starts are accepted again. Idempotent. */
export async function finishUserErasure(sql: Db, externalUserId: string): Promise<void> {
  await sql`
    update user_erasures set finished_at = now()
    where external_user_id = ${externalUserId} and finished_at is null`;
}
