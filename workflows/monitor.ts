import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { monitorStore, smilePages } from './proxies.js';
import { ofRun } from './admission.js';
import { callbackWorkflowId } from './ids.js';
import { endMonitorSignal, smileEventSignal, smileEventsSignal, type SmileEventRef } from './messages.js';
import type { Policy } from './policy.js';
import { resultCallbackWorkflow } from './result-callback.js';
import { stopSmileSync } from './smile-sync.js';
import { firstSighting } from './state.js';
import type { Decision, KycResult, Monitoring, MonitorEndReason, Outcome, ReasonResult, RunAccount } from './types.js';

/** Ids, codes and times only: the applicant stays in Postgres under `requestId`, the data under the accounts. */
export interface MonitorInput {
  verificationId: string;
  /** The monitored run: its decisions and stored status document. */
  firstRunId: string;
  externalUserId: string;
  smileUserId: string;
  requestId: string;
  policy: Policy;
  /** The run's accounts: only their syncs count, and only their data is judged. */
  accounts: RunAccount[];
  /** The run's KYC result, judged again as it was. */
  kyc?: Pick<KycResult, 'status' | 'resultCode'>;
  until: string;
  callbackUrl?: string;
  callbackConfigured?: boolean;
  /** The run's decision when the monitor started: the engine's outcome and its rules' results. */
  decision: { outcome: Outcome; reasons: { code: string; result?: ReasonResult }[] };
  /** Continue as new after this many handled events (tests use a small one); at most `CONTINUE_AFTER`. */
  continueAfterSyncs?: number;
}

/** What continue-as-new carries. */
export interface MonitorState {
  monitoring: Monitoring;
  /** The engine's current outcome (the latest decision version's). */
  outcome: Outcome;
  disconnected: string[];
  seenEventIds: string[];
  /** Each write to the stored document bumps it, so a late write never replaces a newer one. */
  revision: number;
  /** Events that arrived but were not handled before continue-as-new. */
  pending: SmileEventRef[];
}

/** A monthly sync makes a year about a dozen events; this bounds the history of a noisier user. */
const CONTINUE_AFTER = 100;
const SEEN_LIMIT = 200;

/**
 * Keeps a completed verification current: each successful
 * ACCOUNT_SYNC_TASK_FINISHED of the run's accounts stores the new data and
 * re-evaluates; a changed decision is recorded and sent as `verification.updated`.
 * Ends at `until`, when every account is disconnected, or on `endMonitorSignal`,
 * and then turns Smile's continuous sync of the run's accounts off.
 */
export async function monitorWorkflow(input: MonitorInput, carried?: MonitorState): Promise<Monitoring> {
  const state: MonitorState = carried ?? {
    monitoring: { status: 'ACTIVE', until: input.until, changes: [] },
    outcome: input.decision.outcome,
    disconnected: [],
    seenEventIds: [],
    revision: 0,
    pending: [],
  };
  const inbox = state.pending;
  state.pending = [];
  let endRequested: MonitorEndReason | undefined;
  // Signal handlers only record: the main loop acts, one event at a time.
  setHandler(smileEventsSignal, (events) => void inbox.push(...events));
  setHandler(smileEventSignal, (event) => void inbox.push(event)); // one at a time, from an API before batching
  setHandler(endMonitorSignal, ({ reason }) => void (endRequested ??= reason));

  if (!carried) await record(input, state);
  const limit = Math.min(input.continueAfterSyncs ?? CONTINUE_AFTER, CONTINUE_AFTER);
  for (let handled = 0; ;) {
    showDetails(input, state);
    const remaining = Date.parse(input.until) - Date.now();
    const woke = remaining > 0 && (await condition(() => inbox.length > 0 || endRequested !== undefined, remaining));
    if (endRequested) return end(input, state, endRequested);
    if (!woke) return end(input, state, 'DURATION_PASSED');
    const event = inbox.shift()!;
    if (!firstSighting(state, event.eventId, SEEN_LIMIT)) continue;
    await handle(input, state, event);
    if (state.disconnected.length >= input.accounts.length) return end(input, state, 'ALL_ACCOUNTS_DISCONNECTED');
    handled += 1;
    if (handled >= limit || workflowInfo().continueAsNewSuggested) {
      // Events that arrive while this run hands over are in `inbox` by the time the last task completes
      // (a signal arriving then makes the server retry the task with it), so they are carried, not lost.
      await condition(allHandlersFinished);
      if (endRequested) return end(input, state, endRequested);
      // The search attributes go along, so operators still find the monitor by user.
      const next = makeContinueAsNewFunc<typeof monitorWorkflow>({
        typedSearchAttributes: workflowInfo().typedSearchAttributes,
      });
      await next(input, { ...state, pending: inbox });
    }
  }
}

/** Only the accounts the run admitted and judged count for its monitor. */
const ofRunAccounts = (input: MonitorInput, accountId?: string) => ofRun(input.accounts, accountId);

/** A disconnect marks the account; a successful sync of a connected one is judged again. Others are ignored. */
async function handle(input: MonitorInput, state: MonitorState, event: SmileEventRef): Promise<void> {
  if (!ofRunAccounts(input, event.accountId) || state.disconnected.includes(event.accountId!)) return;
  if (event.type === 'ACCOUNT_DISCONNECTED' || event.type === 'ARCHIVE_REVOKED') {
    state.disconnected.push(event.accountId!);
    return;
  }
  if (event.type !== 'ACCOUNT_SYNC_TASK_FINISHED' || event.status !== 'SUCCEEDED') return;
  try {
    await sync(input, state, event);
  } catch (error) {
    // A sync whose data retries could not store or judge is skipped, not the monitor's end: the next sync tries again.
    if (!(error instanceof ActivityFailure)) throw error;
  }
}

async function sync(input: MonitorInput, state: MonitorState, event: SmileEventRef): Promise<void> {
  const accountIds = input.accounts.map((a) => a.accountId);
  // The payload's capped lists are completed through the Smile API: on the Smile queue, as the run's first sync.
  if (event.hasPayload)
    await smilePages().storeTaskPayload.executeWithOptions({ summary: 'store the refreshed data from the payload' }, [
      { eventId: event.eventId, accountIds },
    ]);
  else
    await smilePages().fetchAndStoreDatapoints.executeWithOptions({ summary: 'fetch the refreshed data' }, [
      { smileUserId: input.smileUserId, accountIds: [event.accountId!] },
    ]);
  const result = await monitorStore().reevaluateVerification.executeWithOptions(
    { summary: 're-evaluate the refreshed data' },
    [
      {
        runId: input.firstRunId,
        requestId: input.requestId,
        smileUserId: input.smileUserId,
        policy: input.policy,
        accounts: input.accounts,
        eventId: event.eventId,
        ...(input.kyc ? { kyc: input.kyc } : {}),
      },
    ],
  );
  state.monitoring.lastSyncAt = new Date().toISOString(); // workflow time: deterministic on replay
  if (!result.changed) return record(input, state);
  state.outcome = result.decision.outcome;
  state.monitoring.changes.push(result.change);
  await record(input, state, result.decision);
  if (input.callbackConfigured === false) return;
  // The change number: version 2 is the first change. Its message outlives this run (ABANDON).
  const sequence = result.version - 1;
  await startChild(resultCallbackWorkflow, {
    workflowId: callbackWorkflowId(input.firstRunId, { type: 'verification.updated', sequence }),
    args: [
      {
        runId: input.firstRunId,
        verificationId: input.verificationId,
        callbackUrl: input.callbackUrl,
        type: 'verification.updated',
        sequence,
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `verification.updated ${sequence} of ${input.verificationId}`,
  });
}

async function end(input: MonitorInput, state: MonitorState, reason: MonitorEndReason): Promise<Monitoring> {
  state.monitoring = { ...state.monitoring, status: 'ENDED', endedReason: reason, endedAt: new Date().toISOString() };
  showDetails(input, state);
  await record(input, state);
  // Nobody needs the accounts' later data: Smile's continuous sync of them goes off.
  await stopSmileSync(input.accounts);
  return state.monitoring;
}

/** The monitor's state into the run's stored status document (and `decision`, when it changed). */
function record(input: MonitorInput, state: MonitorState, decision?: Decision): Promise<void> {
  state.revision += 1;
  return monitorStore().recordMonitoring.executeWithOptions(
    { summary: `record monitoring ${state.monitoring.status}` },
    [recordArgs(input, state, decision)],
  );
}

function recordArgs(input: MonitorInput, state: MonitorState, decision?: Decision) {
  return {
    runId: input.firstRunId,
    verificationId: input.verificationId,
    externalUserId: input.externalUserId,
    smileUserId: input.smileUserId,
    revision: state.revision,
    monitoring: state.monitoring,
    ...(decision ? { decision } : {}),
  };
}

/** The operator's view in the Temporal UI: no personal data. */
function showDetails(input: MonitorInput, { monitoring, outcome, disconnected }: MonitorState): void {
  const ended = monitoring.endedReason ? ` (${monitoring.endedReason})` : '';
  setCurrentDetails(
    `Monitor of ${input.verificationId}: **${monitoring.status}**${ended} until ${monitoring.until}\n\n` +
      `outcome ${outcome}, ${monitoring.changes.length} change(s), last sync ${monitoring.lastSyncAt ?? 'none'}\n\n` +
      `accounts disconnected: ${disconnected.length} of ${input.accounts.length}`,
  );
}
