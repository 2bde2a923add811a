import type { CallbackType } from '../workflows/types.js';
import type { Db } from './client.js';

/** One attempt to deliver a result callback: where, and what came back. */
export async function recordDeliveryAttempt(
  sql: Db,
  attempt: { runId: string; webhookId: string; url: string; statusCode?: number; error?: string },
): Promise<void> {
  await sql`
    insert into callback_deliveries (run_id, webhook_id, url, status_code, error)
    values (${attempt.runId}, ${attempt.webhookId}, ${attempt.url}, ${attempt.statusCode ?? null}, ${attempt.error ?? null})`;
}

/**
 * A callback message's body, fixed at its first attempt: the first
 * call stores `body`, every retry gets the stored one back. Undefined when the
 * body was erased, or the run's data before its first attempt (the message is then not sent).
 */
export async function messageBody(
  sql: Db,
  message: { messageId: string; runId: string; type: CallbackType; body: Record<string, unknown> },
): Promise<Record<string, unknown> | undefined> {
  // Not for a run whose data was erased: a body read before an erasure must not be stored after it.
  // `for share` waits for an erasure holding the run's row, then reads what it committed.
  await sql`
    insert into callback_messages (message_id, run_id, type, body)
    select ${message.messageId}, ${message.runId}, ${message.type}, ${sql.json(message.body as never)}
    where coalesce((select purged_at is null from verifications where run_id = ${message.runId} for share), true)
    on conflict (message_id) do nothing`;
  const [row] = await sql<{ body: Record<string, unknown> | null }[]>`
    select body from callback_messages where message_id = ${message.messageId}`;
  return row?.body ?? undefined;
}
