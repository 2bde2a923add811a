import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../activities/store/db.js';
import { eraseIfDisconnectErases } from '../../activities/store/erasure.js';
import { markEvents, type EventMark, type InboxEvent } from '../../activities/store/inbox.js';
import { externalUsersOf } from '../../activities/store/users.js';
import { verificationsOfRuns } from '../../activities/store/verifications.js';
import { externalUserIdOf, monitorWorkflowId, runIdOfKycJob, verificationWorkflowId } from '../../workflows/ids.js';
import {
  kycResultSignal,
  SIGNALLED_SMILE_EVENTS,
  smileEventSignal,
  type SmileEventRef,
} from '../../workflows/messages.js';
import { kycResultRef, smileEventRef } from './envelope.js';

const SIGNAL_DEADLINE_MS = 5_000;
/** Workflows signalled at the same time; each one's own events go one after another. */
const PARALLEL_WORKFLOWS = 32;

export type Delivery = 'delivered' | 'recorded' | 'orphan' | 'pending';

/** Where each event goes, found in two queries: Smile events by their user, KYC results by the run in their job id. */
async function workflowsOf(sql: Db, events: InboxEvent[]): Promise<Map<string, string>> {
  const smileUsers = [...new Set(events.map((e) => (e.source === 'smile' ? e.smileUserId : null)).filter(Boolean))];
  const runs = [...new Set(events.map((e) => (e.source === 'smile-id' && e.jobId ? runIdOfKycJob(e.jobId) : null)))];
  const [users, verifications] = await Promise.all([
    externalUsersOf(sql, smileUsers as string[]),
    verificationsOfRuns(sql, runs.filter(Boolean) as string[]),
  ]);
  const targets = new Map<string, string>();
  for (const event of events) {
    const runId = event.source === 'smile-id' && event.jobId ? runIdOfKycJob(event.jobId) : undefined;
    const externalUserId = event.source === 'smile' && event.smileUserId ? users.get(event.smileUserId) : undefined;
    const workflowId = runId ? verifications.get(runId) : externalUserId && verificationWorkflowId(externalUserId);
    if (workflowId) targets.set(event.id, workflowId);
  }
  return targets;
}

/** Signals one event; what became of it. Progress events are routed and recorded, never signalled. */
async function deliverOne(sql: Db, client: Client, event: InboxEvent, workflowId: string): Promise<EventMark> {
  const smileRef = event.source === 'smile' ? smileEventRef(event) : undefined;
  const kycRef = event.source === 'smile-id' ? kycResultRef(event) : undefined;
  if (smileRef && !SIGNALLED_SMILE_EVENTS.has(smileRef.type))
    return { id: event.id, state: 'recorded', verificationId: workflowId };
  if (!smileRef && !kycRef) return { id: event.id, state: 'orphan' };
  const handle = client.workflow.getHandle(workflowId);
  try {
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      smileRef ? handle.signal(smileEventSignal, smileRef) : handle.signal(kycResultSignal, kycRef!),
    );
    return { id: event.id, state: 'delivered', verificationId: workflowId };
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError))
      return { id: event.id, state: 'pending', error: (error as Error).message.slice(0, 500) };
    if (smileRef?.type === 'ACCOUNT_DISCONNECTED') await eraseIfDisconnectErases(sql, workflowId);
    if (smileRef) return toMonitor(client, event, smileRef, workflowId);
    return { id: event.id, state: 'orphan', verificationId: workflowId, error: 'no running verification' };
  }
}

/**
 * No verification is running for the user: their running monitor gets the event
 * (SPEC §4, §6), else it stays an orphan (as it does again once the monitor has ended).
 * Temporal is the one that knows whether the monitor runs, so it is asked by signalling.
 */
async function toMonitor(client: Client, event: InboxEvent, ref: SmileEventRef, verificationId: string) {
  const monitorId = monitorWorkflowId(externalUserIdOf(verificationId)!);
  try {
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      client.workflow.getHandle(monitorId).signal(smileEventSignal, ref),
    );
    return { id: event.id, state: 'delivered', verificationId } satisfies EventMark;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError))
      return { id: event.id, state: 'pending', error: (error as Error).message.slice(0, 500) } satisfies EventMark;
    return {
      id: event.id,
      state: 'orphan',
      verificationId,
      error: 'no running verification or monitor',
    } satisfies EventMark;
  }
}

/**
 * Delivers inbox events to their verifications with claim-check references: the
 * routes in one query, each workflow's events in order of arrival (several
 * workflows at once), the outcomes marked in one statement. A user without a
 * running verification has their events go to their running monitor. Unknown
 * users, and closed runs without a monitor, leave an event an orphan (kept, visible, delivered if the user's
 * next verification starts). When Temporal fails a signal, that workflow's later
 * events are not tried: they and the failed one stay `pending`, in order, for the relay.
 */
export async function deliverEvents(
  { sql, client }: { sql: Db; client: Client },
  events: InboxEvent[],
): Promise<Map<string, Delivery>> {
  const outcomes = new Map<string, Delivery>(events.map((event) => [event.id, 'pending']));
  const targets = await workflowsOf(sql, events);
  const marks: EventMark[] = [];
  const byWorkflow = new Map<string, InboxEvent[]>();
  for (const event of events) {
    const workflowId = targets.get(event.id);
    if (!workflowId) marks.push({ id: event.id, state: 'orphan' });
    else byWorkflow.set(workflowId, [...(byWorkflow.get(workflowId) ?? []), event]);
  }
  const queues = [...byWorkflow.entries()];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_WORKFLOWS, queues.length) }, async () => {
      for (let next = queues.shift(); next; next = queues.shift()) {
        const [workflowId, queue] = next;
        for (const event of queue) {
          const mark = await deliverOne(sql, client, event, workflowId);
          marks.push(mark);
          if (mark.state === 'pending') break;
        }
      }
    }),
  );
  await markEvents(sql, marks);
  for (const mark of marks) outcomes.set(mark.id, mark.state as Delivery);
  return outcomes;
}
