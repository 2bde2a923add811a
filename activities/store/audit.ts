import type { Db } from './db.js';

export type AuditAction = 'cancel' | 'review' | 'erasure' | 'stop-monitor';

/** One audit row: what was done to which verification, by which key's name (SPEC §10). */
export async function recordAudit(
  sql: Db,
  { action, verificationId, keyName }: { action: AuditAction; verificationId: string; keyName: string },
): Promise<void> {
  await sql`insert into audit_events (action, verification_id, key_name) values (${action}, ${verificationId}, ${keyName})`;
}
