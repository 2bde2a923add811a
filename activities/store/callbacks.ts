import type { Db } from './db.js';

/** One attempt to deliver a result callback (SPEC §7): where, and what came back. */
export async function recordDeliveryAttempt(
  sql: Db,
  attempt: { runId: string; webhookId: string; url: string; statusCode?: number; error?: string },
): Promise<void> {
  await sql`
    insert into callback_deliveries (run_id, webhook_id, url, status_code, error)
    values (${attempt.runId}, ${attempt.webhookId}, ${attempt.url}, ${attempt.statusCode ?? null}, ${attempt.error ?? null})`;
}
