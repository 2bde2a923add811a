import {
  ActivityFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  ParentClosePolicy,
  setCurrentDetails,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Ctx } from '../context.js';
import { ofRun } from '../admission.js';
import { durationMs } from '../duration.js';
import { callbackWorkflowId } from '../ids.js';
import type { SmileEventRef } from '../messages.js';
import { monitorStore, smilePages } from '../proxies.js';
import { resultCallbackWorkflow } from '../result-callback.js';
import { DecisionKey } from '../search-attributes.js';
import { stopSmileSync } from '../smile-sync.js';
import { documentOf } from '../status.js';
import { firstSighting, runAccounts, type State } from '../state.js';
import type { Decision, MonitorEndReason, StatusDocument, VerificationInput } from '../types.js';

// The monitoring phase: after a monitored run closed COMPLETED, the same workflow keeps its decision current.

/** A monthly sync makes a year about a dozen events; this bounds the history of a noisier user. */
const CONTINUE_AFTER = 100;
const SEEN_LIMIT = 200;

/**
 * Called as a monitored run closes COMPLETED, before its document is stored:
 * the closed document shows `monitoring` ACTIVE, and from here on the run's
 * Smile events queue in `state.monitor.pending` instead of changing the run.
 */
export function beginMonitoring(ctx: Ctx): void {
  const { state, input } = ctx;
  const decision = state.decision!;
  const until = new Date(Date.now() + durationMs(input.policy.monitor.duration)).toISOString();
  state.monitoring = { status: 'ACTIVE', until, changes: [] };
  state.monitor = {
    accounts: runAccounts(state),
    ...(state.kyc ? { kyc: { status: state.kyc.status, resultCode: state.kyc.resultCode } } : {}),
    // The engine's outcome: a reviewer's replaces it in the document, not in the decisions it is measured against.
    outcome: decision.automatedOutcome ?? decision.outcome,
    disconnected: [],
    seenEventIds: [],
    revision: 0,
    pending: [],
  };
}

/**
 * Keeps a completed verification current until `monitoring.until`: each
 * successful ACCOUNT_SYNC_TASK_FINISHED of the run's accounts stores the new
 * data and re-evaluates; a changed decision is recorded and sent as
 * `verification.updated`. Ends at `until`, when every account is disconnected,
 * on `endMonitor`, on `handOver` (a new verification) or on cancellation
 * (erasure), and then turns Smile's continuous sync of the run's accounts off.
 * One event at a time, in the workflow that decided: nothing else happens to
 * the user meanwhile.
 */
export async function monitor(ctx: Ctx): Promise<StatusDocument> {
  const { state, input } = ctx;
  const watch = state.monitor!;
  const inbox = watch.pending;
  state.stage = 'monitoring';
  try {
    if (watch.revision === 0) await record(ctx);
    const limit = Math.min(input.continueMonitorAfter ?? CONTINUE_AFTER, CONTINUE_AFTER);
    for (let handled = 0; ;) {
      showDetails(ctx);
      const remaining = Date.parse(state.monitoring!.until) - Date.now();
      const woke =
        remaining > 0 && (await condition(() => inbox.length > 0 || ctx.endMonitor !== undefined, remaining));
      if (ctx.endMonitor) return await end(ctx, ctx.endMonitor);
      if (!woke) return await end(ctx, 'DURATION_PASSED');
      const event = inbox.shift()!;
      if (!firstSighting(watch, event.eventId, SEEN_LIMIT)) continue;
      await handle(ctx, event);
      if (watch.disconnected.length >= watch.accounts.length) return await end(ctx, 'ALL_ACCOUNTS_DISCONNECTED');
      handled += 1;
      if (handled >= limit || workflowInfo().continueAsNewSuggested) {
        // Events that arrive while this run hands over are in `pending` by the time the last task completes
        // (a signal arriving then makes the server retry the task with it), so they are carried, not lost.
        await condition(() => allHandlersFinished() || ctx.endMonitor !== undefined);
        if (ctx.endMonitor) return await end(ctx, ctx.endMonitor);
        await continueAsNew<(input: VerificationInput, carried?: State) => Promise<StatusDocument>>(input, state);
      }
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Erasure cancels the run after asking monitoring to end: the end is stored and Smile's sync goes off all the same.
    return CancellationScope.nonCancellable(() => end(ctx, ctx.endMonitor ?? 'STOPPED'));
  }
}

/** A disconnect marks the account; a successful sync of a connected one is judged again. Others are ignored. */
async function handle(ctx: Ctx, event: SmileEventRef): Promise<void> {
  const watch = ctx.state.monitor!;
  if (!ofRun(watch.accounts, event.accountId) || watch.disconnected.includes(event.accountId!)) return;
  if (event.type === 'ACCOUNT_DISCONNECTED' || event.type === 'ARCHIVE_REVOKED') {
    watch.disconnected.push(event.accountId!);
    return;
  }
  if (event.type !== 'ACCOUNT_SYNC_TASK_FINISHED' || event.status !== 'SUCCEEDED') return;
  try {
    await sync(ctx, event);
  } catch (error) {
    // A sync whose data retries could not store or judge is skipped, not the monitoring's end: the next sync tries again.
    if (!(error instanceof ActivityFailure)) throw error;
  }
}

async function sync(ctx: Ctx, event: SmileEventRef): Promise<void> {
  const { state, input } = ctx;
  const watch = state.monitor!;
  const { firstExecutionRunId: runId, workflowId: verificationId } = workflowInfo();
  const accountIds = watch.accounts.map((a) => a.accountId);
  // The payload's capped lists are completed through the Smile API: on the Smile queue, as the run's first sync.
  if (event.hasPayload)
    await smilePages().storeTaskPayload.executeWithOptions({ summary: 'store the refreshed data from the payload' }, [
      { eventId: event.eventId, accountIds },
    ]);
  else
    await smilePages().fetchAndStoreDatapoints.executeWithOptions({ summary: 'fetch the refreshed data' }, [
      { smileUserId: state.smileUserId!, accountIds: [event.accountId!] },
    ]);
  const result = await monitorStore().reevaluateVerification.executeWithOptions(
    { summary: 're-evaluate the refreshed data' },
    [
      {
        runId,
        requestId: input.requestId,
        smileUserId: state.smileUserId!,
        policy: input.policy,
        accounts: watch.accounts,
        eventId: event.eventId,
        ...(watch.kyc ? { kyc: watch.kyc } : {}),
      },
    ],
  );
  state.monitoring!.lastSyncAt = new Date().toISOString(); // workflow time: deterministic on replay
  if (!result.changed) return record(ctx);
  watch.outcome = result.decision.outcome;
  state.monitoring!.changes.push(result.change);
  state.decision = result.decision;
  // Operators find the run by its current decision.
  upsertSearchAttributes([{ key: DecisionKey, value: result.decision.outcome }]);
  await record(ctx, result.decision);
  if (input.callbackConfigured === false) return;
  // The change number: version 2 is the first change. Its message outlives this run (ABANDON).
  const sequence = result.version - 1;
  await startChild(resultCallbackWorkflow, {
    workflowId: callbackWorkflowId(runId, { type: 'verification.updated', sequence }),
    args: [{ runId, verificationId, callbackUrl: input.callbackUrl, type: 'verification.updated', sequence }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `verification.updated ${sequence} of ${verificationId}`,
  });
}

async function end(ctx: Ctx, reason: MonitorEndReason): Promise<StatusDocument> {
  const { state } = ctx;
  state.monitoring = { ...state.monitoring!, status: 'ENDED', endedReason: reason, endedAt: new Date().toISOString() };
  showDetails(ctx);
  await record(ctx);
  // Nobody needs the accounts' later data: Smile's continuous sync of them goes off.
  await stopSmileSync(state.monitor!.accounts);
  ctx.finished = true;
  await condition(allHandlersFinished);
  return documentOf(ctx);
}

/** The monitoring state into the run's stored status document (and `decision`, when it changed). */
function record(ctx: Ctx, decision?: Decision): Promise<void> {
  const { state, input } = ctx;
  const watch = state.monitor!;
  watch.revision += 1;
  const { firstExecutionRunId: runId, workflowId: verificationId } = workflowInfo();
  return monitorStore().recordMonitoring.executeWithOptions(
    { summary: `record monitoring ${state.monitoring!.status}` },
    [
      {
        runId,
        verificationId,
        externalUserId: input.externalUserId,
        smileUserId: state.smileUserId!,
        revision: watch.revision,
        monitoring: state.monitoring!,
        ...(decision ? { decision } : {}),
      },
    ],
  );
}

/** The operator's view in the Temporal UI: no personal data. */
function showDetails({ state, input }: Ctx): void {
  const { monitoring, monitor: watch } = state;
  const ended = monitoring!.endedReason ? ` (${monitoring!.endedReason})` : '';
  setCurrentDetails(
    `Verification of ${input.externalUserId}: **COMPLETED**, monitoring **${monitoring!.status}**${ended} until ${monitoring!.until}\n\n` +
      `outcome ${watch!.outcome}, ${monitoring!.changes.length} change(s), last sync ${monitoring!.lastSyncAt ?? 'none'}\n\n` +
      `accounts disconnected: ${watch!.disconnected.length} of ${watch!.accounts.length}`,
  );
}
