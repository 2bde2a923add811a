import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../activities/store/db.js';
import { eraseIfDisconnectErases } from '../../activities/store/erasure.js';
import { markEvent, type InboxEvent } from '../../activities/store/inbox.js';
import { externalUserOf } from '../../activities/store/users.js';
import { verificationOfRun } from '../../activities/store/verifications.js';
import { runIdOfKycJob, verificationWorkflowId } from '../../workflows/ids.js';
import {
  kycResultSignal,
  SIGNALLED_SMILE_EVENTS,
  smileEventSignal,
  type KycResultRef,
  type SmileEventRef,
} from '../../workflows/messages.js';
import { kycResultRef, smileEventRef } from './envelope.js';

const SIGNAL_DEADLINE_MS = 5_000;

export type Delivery = 'delivered' | 'recorded' | 'orphan' | 'pending';

type Target = { workflowId: string } & (
  { kind: 'smile'; ref: SmileEventRef } | { kind: 'smile-id'; ref: KycResultRef }
);

/** Where an event goes, from its columns: Smile events by their user, KYC results by the run in their job id. */
async function targetOf(sql: Db, event: InboxEvent): Promise<Target | undefined> {
  if (event.source === 'smile-id') {
    const ref = kycResultRef(event);
    const runId = ref && runIdOfKycJob(ref.jobId);
    const workflowId = runId && (await verificationOfRun(sql, runId));
    return ref && workflowId ? { kind: 'smile-id', workflowId, ref } : undefined;
  }
  const ref = smileEventRef(event);
  const externalUserId = ref && (await externalUserOf(sql, ref.smileUserId));
  return ref && externalUserId ? { kind: 'smile', workflowId: verificationWorkflowId(externalUserId), ref } : undefined;
}

/**
 * Signals one inbox event to its verification with a claim-check reference.
 * Progress events are routed and recorded, not signalled (`SIGNALLED_SMILE_EVENTS`).
 * Unknown users and closed runs leave the event an orphan (kept, visible,
 * delivered if the user's next verification starts); Temporal being down
 * leaves it pending for the relay.
 */
export async function deliverEvent({ sql, client }: { sql: Db; client: Client }, event: InboxEvent): Promise<Delivery> {
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
      target.kind === 'smile'
        ? handle.signal(smileEventSignal, target.ref)
        : handle.signal(kycResultSignal, target.ref),
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      if (target.kind === 'smile' && target.ref.type === 'ACCOUNT_DISCONNECTED')
        await eraseIfDisconnectErases(sql, target.workflowId);
      await markEvent(sql, event.id, 'orphan', { verificationId: target.workflowId, error: 'no running verification' });
      return 'orphan';
    }
    await markEvent(sql, event.id, 'pending', { error: (error as Error).message.slice(0, 500) });
    return 'pending';
  }
  await markEvent(sql, event.id, 'delivered', { verificationId: target.workflowId });
  return 'delivered';
}
