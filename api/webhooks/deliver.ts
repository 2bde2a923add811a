import { inSpan, linkTo, SpanKind, tracingEnabled } from '../../runtime/tracing.js';
import { traceParentOf } from '../../db/verifications.js';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db, Sql } from '../../db/client.js';
import { erasesOnDisconnect } from '../../db/decisions.js';
import {
  olderPendingOf,
  FAST_PATH_GRACE_SECONDS,
  markEvents,
  releaseToRelay,
  type EventMark,
  type InboxEvent,
} from '../../db/inbox.js';
import { externalUsersOf } from '../../db/users.js';
import { verificationsOfRuns } from '../../db/verifications.js';
import { externalUserIdOf, runIdOfKycJob, verificationWorkflowId } from '../../workflows/ids.js';
import {
  kycResultSignal,
  SIGNALLED_SMILE_EVENTS,
  SMILE_EVENTS_PER_SIGNAL,
  smileEventsSignal,
  type KycResultRef,
  type SmileEventRef,
} from '../../workflows/messages.js';
import { startErasure } from '../../runtime/temporal.js';

/** The claim check the workflow receives: what happened to whom, never the data itself. */
export function smileEventRef(event: InboxEvent): SmileEventRef | undefined {
  if (!event.smileUserId) return undefined;
  return {
    eventId: event.id,
    type: event.type,
    smileUserId: event.smileUserId,
    hasPayload: event.hasPayload,
    createdAt: event.eventCreatedAt ?? event.receivedAt.toISOString(),
    receivedAt: event.receivedAt.toISOString(),
    ...(event.accountId ? { accountId: event.accountId } : {}),
    ...(event.providerId ? { providerId: event.providerId } : {}),
    ...(event.errorCode ? { errorCode: event.errorCode } : {}),
    ...(event.sourceType ? { sourceType: event.sourceType } : {}),
    ...(event.datapoints ? { datapoints: event.datapoints } : {}),
    ...(event.taskStatus ? { status: event.taskStatus } : {}),
  };
}

export function kycResultRef(event: InboxEvent): KycResultRef | undefined {
  if (!event.jobId || event.resultCode === null) return undefined;
  return {
    eventId: event.id,
    jobId: event.jobId,
    resultCode: event.resultCode,
    receivedAt: event.receivedAt.toISOString(),
  };
}

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

/**
 * ACCOUNT_DISCONNECTED after the latest run decided, under a policy with
 * `eraseOnDisconnect`: the user's erasure workflow starts (on the run's task
 * queue), the same durable erasure as `DELETE …/data`, which ends the run
 * (and its monitoring) first. Answers the
 * failure to start it (the event then stays pending for the relay), else nothing.
 */
async function eraseOnDisconnect(sql: Db, client: Client, workflowId: string): Promise<Error | undefined> {
  const externalUserId = externalUserIdOf(workflowId);
  if (!externalUserId || !(await erasesOnDisconnect(sql, workflowId))) return undefined;
  try {
    const { taskQueue } = await client.workflow.getHandle(workflowId).describe();
    await startErasure(sql, client, taskQueue, { externalUserId, keyName: null, reason: 'disconnect' });
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** One signal's outcome: sent, no such running workflow, or Temporal's failure. */
async function trySignal(client: Client, signal: () => Promise<void>): Promise<'sent' | 'not-found' | Error> {
  try {
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, signal);
    return 'sent';
  } catch (error) {
    return error instanceof WorkflowNotFoundError ? 'not-found' : (error as Error);
  }
}

function markOf(id: string, workflowId: string, outcome: 'sent' | 'not-found' | Error): EventMark {
  if (outcome === 'sent') return { id, state: 'delivered', verificationId: workflowId };
  if (outcome instanceof Error) return { id, state: 'pending', error: outcome.message.slice(0, 500) };
  return { id, state: 'orphan', verificationId: workflowId, error: 'no running verification' };
}

/**
 * Delivers one workflow's events, in order of arrival: progress events are
 * routed and recorded, never signalled; the Smile events due together travel in
 * one `smileEvents` signal (up to SMILE_EVENTS_PER_SIGNAL references), a KYC
 * result in its own. When Temporal fails a signal, that signal's events and
 * every later one stay `pending`, in order, for the relay.
 */
async function deliverToWorkflow(
  sql: Db,
  client: Client,
  workflowId: string,
  events: InboxEvent[],
): Promise<EventMark[]> {
  const marks: EventMark[] = [];
  let batch: { event: InboxEvent; ref: SmileEventRef }[] = [];
  let failed = false;

  /** With tracing on, each signal is sent in a span linked to the verification's own trace. */
  const traceParent = tracingEnabled() ? await traceParentOf(sql, workflowId) : undefined;
  const send = (items: InboxEvent[], signal: (workflowId: string) => Promise<void>) =>
    tracingEnabled()
      ? inSpan(
          `webhook delivery to ${workflowId.split('-')[0]}`,
          {
            kind: SpanKind.PRODUCER,
            links: linkTo(traceParent),
            attributes: { 'verification.id': workflowId, 'webhook.events': items.length },
          },
          () => sendNow(items, signal),
        )
      : sendNow(items, signal);

  /**
   * Sends what has gathered (or one KYC result) to the user's open run (deciding
   * or monitoring); without one they are orphans. False when this workflow's
   * remaining events stay pending.
   */
  async function sendNow(items: InboxEvent[], signal: (workflowId: string) => Promise<void>): Promise<boolean> {
    let outcome = await trySignal(client, () => signal(workflowId));
    // The run has it first (a monitored run marks the account), then the erasure ends the run.
    if (!(outcome instanceof Error) && items.some((event) => event.type === 'ACCOUNT_DISCONNECTED'))
      outcome = (await eraseOnDisconnect(sql, client, workflowId)) ?? outcome;
    for (const event of items) marks.push(markOf(event.id, workflowId, outcome));
    return !(outcome instanceof Error);
  }
  const flush = async () => {
    const items = batch;
    batch = [];
    if (items.length === 0 || failed) return;
    const refs = items.map((item) => item.ref);
    failed = !(await send(
      items.map((item) => item.event),
      (id) => client.workflow.getHandle(id).signal(smileEventsSignal, refs),
    ));
  };

  for (const event of events) {
    if (failed) break;
    const smileRef = event.source === 'smile' ? smileEventRef(event) : undefined;
    const kycRef = event.source === 'smile-id' ? kycResultRef(event) : undefined;
    if (smileRef && !SIGNALLED_SMILE_EVENTS.has(smileRef.type)) {
      marks.push({ id: event.id, state: 'recorded', verificationId: workflowId });
    } else if (smileRef) {
      batch.push({ event, ref: smileRef });
      if (batch.length >= SMILE_EVENTS_PER_SIGNAL) await flush();
    } else if (kycRef) {
      await flush(); // the Smile events before it go first
      if (!failed)
        failed = !(await send([event], (id) => client.workflow.getHandle(id).signal(kycResultSignal, kycRef)));
    } else {
      marks.push({ id: event.id, state: 'orphan' });
    }
  }
  await flush();
  return marks;
}

/**
 * Delivers inbox events to their verifications with claim-check references: the
 * routes in one query, each workflow's events in order of arrival and its
 * signalled ones together (several workflows at once), the outcomes marked in one
 * statement. A user without a running verification has their Smile events go to
 * their running monitor. Unknown users, and closed runs without a
 * monitor, leave an event an orphan (kept, visible, delivered if the user's
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
        marks.push(...(await deliverToWorkflow(sql, client, workflowId, queue)));
      }
    }),
  );
  await markEvents(sql, marks);
  for (const mark of marks) outcomes.set(mark.id, mark.state as Delivery);
  return outcomes;
}

/** After Temporal failed to answer, the relay alone signals for this long: the events are safe in the inbox. */
const BREAKER_MS = 5_000;
/** An event that waited this long here goes to the relay instead, well inside the relay's grace for fresh events. */
const MAX_WAIT_MS = (FAST_PATH_GRACE_SECONDS * 1_000) / 4;

export interface Signaller {
  /** Signals a freshly stored inbox event soon, without making the webhook's answer wait for it. */
  offer(event: InboxEvent): void;
  /** Waits for the batches in flight and hands the queued events to the relay (at shutdown). */
  drain(): Promise<void>;
}

/**
 * The fast path from inbox to workflow. Smile gets its 200 once the event is
 * committed; the signal follows here: what arrived meanwhile goes as one batch
 * (routed in one query, marked in one statement, each workflow's events in
 * order), at most `maxInFlight` batches at a time. The relay leaves fresh events
 * alone for `FAST_PATH_GRACE_SECONDS`, so the two never signal the same event;
 * whatever this path gives up on (a full queue, Temporal failing, the process
 * dying) the relay delivers, in order of arrival.
 */
export function createSignaller({
  sql,
  client,
  maxInFlight = 2,
  maxBatch = 200,
  maxQueued = 2_000,
}: {
  sql: Sql;
  client: Client;
  maxInFlight?: number;
  maxBatch?: number;
  maxQueued?: number;
}): Signaller {
  let queue: { event: InboxEvent; at: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  let temporalDownUntil = 0;

  /** Hands events to the relay now; if even that fails, the relay takes them after the grace. */
  const release = (events: InboxEvent[]): Promise<void> =>
    releaseToRelay(
      sql,
      events.map((e) => e.id),
    ).catch(() => {});

  async function deliver(batch: { event: InboxEvent; at: number }[]): Promise<void> {
    const now = Date.now();
    // While Temporal is down, and for events that waited too long here, the relay takes over.
    const toRelay = ({ at }: { at: number }) => now < temporalDownUntil || now - at > MAX_WAIT_MS;
    const stale = batch.filter(toRelay).map((q) => q.event);
    const early = batch.filter((q) => !toRelay(q)).map((q) => q.event);
    // The older pending events of these users that the relay holds go first, so none is overtaken.
    const older = await olderPendingOf(
      sql,
      early.map((e) => e.id),
    ).catch(() => undefined);
    if (!older) return release([...stale, ...early]);
    const fresh = [...older, ...early];
    const outcomes = await deliverEvents({ sql, client }, fresh).catch(() => undefined);
    const undelivered = fresh.filter((event) => (outcomes?.get(event.id) ?? 'pending') === 'pending');
    if (undelivered.length > 0) temporalDownUntil = Date.now() + BREAKER_MS;
    await release([...stale, ...undelivered]);
  }

  function pump(): void {
    while (inFlight.size < maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      const running: Promise<void> = deliver(batch).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  }

  return {
    offer(event) {
      if (queue.length >= maxQueued || Date.now() < temporalDownUntil) {
        void release([event]);
        return;
      }
      queue.push({ event, at: Date.now() });
      // Idle: deliver at once. Busy: what arrives meanwhile waits and goes as the next batch.
      pump();
    },
    async drain() {
      const queued = queue.map((q) => q.event);
      queue = [];
      await Promise.all([...inFlight, release(queued)]);
    },
  };
}
