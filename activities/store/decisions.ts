import type { Policy } from '../../workflows/policy.js';
import type { Decision } from '../../workflows/types.js';
import type { Db } from './db.js';

/** A run's decision, if it has one: a retried evaluation returns the first. */
export async function findDecision(sql: Db, runId: string): Promise<Decision | undefined> {
  const [row] = await sql<{ outcome: Decision['outcome']; reasons: Decision['reasons']; evaluated_at: Date }[]>`
    select outcome, reasons, evaluated_at from decisions where run_id = ${runId}`;
  return row && { outcome: row.outcome, reasons: row.reasons, evaluatedAt: row.evaluated_at.toISOString() };
}

/** Stores a run's decision with the policy it was judged under; one per run (a second insert does nothing). */
export async function insertDecision(
  sql: Db,
  { runId, smileUserId, policy, decision }: { runId: string; smileUserId: string; policy: Policy; decision: Decision },
): Promise<void> {
  await sql`
    insert into decisions (run_id, smile_user_id, outcome, reasons, policy, evaluated_at)
    values (${runId}, ${smileUserId}, ${decision.outcome}, ${sql.json(decision.reasons)}, ${sql.json(policy as never)},
            ${decision.evaluatedAt})
    on conflict (run_id) do nothing`;
}

/** Whether the policy of a verification's latest decided run asks to erase the data on disconnect. */
export async function erasesOnDisconnect(sql: Db, verificationId: string): Promise<boolean> {
  const [row] = await sql<{ erase: boolean }[]>`
    select coalesce((d.policy->>'eraseOnDisconnect')::boolean, false) as erase
    from verifications v join decisions d on d.run_id = v.run_id
    where v.verification_id = ${verificationId}
    order by v.created_at desc limit 1`;
  return row?.erase ?? false;
}
