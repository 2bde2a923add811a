import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../activities/store/db.js';
import { eraseUserData } from '../../activities/store/erasure.js';
import { externalUserOf, markEvent, type PendingEvent } from '../../activities/store/events.js';
import { verificationWorkflowId } from '../../workflows/ids.js';
import { kycResultSignal, SIGNALLED_SMILE_EVENTS, smileEventSignal } from '../../workflows/messages.js';
import { envelopeSchema, toEventRef } from './smile-event.js';
import { kycRefOf } from './smile-id-event.js';

const SIGNAL_DEADLINE_MS = 5_000;

export type Delivery = 'delivered' | 'recorded' | 'orphan' | 'pending';

/**
 * Signals one inbox event to its verification with a claim-check reference.
 * Progress events are routed and recorded, not signalled (`SIGNALLED_SMILE_EVENTS`).
 * Unknown users and closed runs leave the event an orphan (kept, visible,
 * delivered if the user's next verification starts); Temporal being down
 * leaves it pending for the relay.
 */
export async function deliverEvent({ sql, client }: { sql: Db; client: Client }, event: PendingEvent): Promise<Delivery> {
  const target = await targetOf(sql, event);
  if (!target) {
    await markEvent(sql, event.id, 'orphan');
    return 'orphan';
  }
  if (target.kind === 'smile' && !SIGNALLED_SMILE_EVENTS.has(target.ref.type)) {
    await markEvent(sql, event.id, 'recorded', { verificationId: target.workflowId });
    return 'recorded';
  }
  const handle = client.workflow.getHandle(target.workflowId);
  try {
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      target.kind === 'smile' ? handle.signal(smileEventSignal, target.ref) : handle.signal(kycResultSignal, target.ref),
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      if (target.kind === 'smile' && target.ref.type === 'ACCOUNT_DISCONNECTED') await eraseIfPolicySaysSo(sql, target.workflowId);
      await markEvent(sql, event.id, 'orphan', { verificationId: target.workflowId, error: 'no running verification' });
      return 'orphan';
    }
    await markEvent(sql, event.id, 'pending', { error: (error as Error).message.slice(0, 500) });
    return 'pending';
  }
  await markEvent(sql, event.id, 'delivered', { verificationId: target.workflowId });
  return 'delivered';
}

/**
 * ACCOUNT_DISCONNECTED after a decision: erase the user's data when the decided
 * run's policy asked for it (`eraseOnDisconnect`). Before a decision the running
 * workflow handles the event (back to waiting).
 */
async function eraseIfPolicySaysSo(sql: Db, verificationId: string): Promise<void> {
  const [decided] = await sql<{ erase: boolean }[]>`
    select coalesce((d.policy->>'eraseOnDisconnect')::boolean, false) as erase
    from verifications v join decisions d on d.run_id = v.run_id
    where v.verification_id = ${verificationId}
    order by v.created_at desc limit 1`;
  if (decided?.erase) await eraseUserData(sql, verificationId);
}

type Target =
  | { kind: 'smile'; workflowId: string; ref: NonNullable<ReturnType<typeof toEventRef>> }
  | { kind: 'smile-id'; workflowId: string; ref: NonNullable<Awaited<ReturnType<typeof kycRefOf>>>['ref'] };

async function targetOf(sql: Db, event: PendingEvent): Promise<Target | undefined> {
  if (event.source === 'smile-id') {
    const kyc = await kycRefOf(sql, event.id, event.body);
    return kyc && { kind: 'smile-id', workflowId: kyc.workflowId, ref: kyc.ref };
  }
  const envelope = envelopeSchema.safeParse(event.body);
  const ref = envelope.success ? toEventRef(envelope.data) : undefined;
  if (!ref) return undefined;
  const externalUserId = await externalUserOf(sql, ref.smileUserId);
  return externalUserId ? { kind: 'smile', workflowId: verificationWorkflowId(externalUserId), ref } : undefined;
}
