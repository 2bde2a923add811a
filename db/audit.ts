import type { Db } from './client.js';

export type AuditAction = 'cancel' | 'review' | 'erasure' | 'stop-monitor';

/** One audit row: what was done to which verification, by which key's name. */
export async function recordAudit(
  sql: Db,
  { action, verificationId, keyName }: { action: AuditAction; verificationId: string; keyName: string },
): Promise<void> {
  await sql`insert into audit_events (action, verification_id, key_name) values (${action}, ${verificationId}, ${keyName})`;
}

/**
 * The audit row of an action a run performs once (a review): written by an
 * activity that may be retried, so a run's second insert of the same action
 * does nothing (unique on run and action, migration 0013).
 */
export async function recordRunAudit(
  sql: Db,
  {
    action,
    runId,
    verificationId,
    keyName,
    details,
  }: { action: AuditAction; runId: string; verificationId: string; keyName: string; details: Record<string, string> },
): Promise<void> {
  await sql`
    insert into audit_events (action, verification_id, key_name, run_id, details)
    values (${action}, ${verificationId}, ${keyName}, ${runId}, ${sql.json(details)})
    on conflict (run_id, action) where run_id is not null do nothing`;
}
