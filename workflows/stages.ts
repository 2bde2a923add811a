import {
  allHandlersFinished,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  setCurrentDetails,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { FEWER_EVENTS, smile, store } from './activities.js';
import { resultCallbackWorkflow } from './result-callback.js';
import { callbackWorkflowId } from './ids.js';
import { durationMs } from './duration.js';
import { kycStatusOf } from './kyc-codes.js';
import { DecisionKey, SmileUserIdKey, VerificationStatusKey } from './search-attributes.js';
import { applySmileEvent, currentSync, isConnected, statusDocument, type State } from './state.js';
import { DATAPOINTS, type StatusDocument, type VerificationInput, type VerificationStatus } from './types.js';

export interface Ctx {
  input: VerificationInput;
  state: State;
  /** An in-flight token refresh, shared by concurrent callers (not carried across continue-as-new). */
  refreshing?: Promise<void>;
  /** Search attributes to write with the next status change: one history event instead of several. */
  pendingAttributes?: SearchAttributeUpdatePair[];
  /** The widget said an account connected and no webhook has yet: ask Smile (not carried across continue-as-new). */
  confirmConnection?: boolean;
}


/** A search attribute for the next status change (new runs), or at once (runs recorded before that change). */
function upsertWithNextStatus(ctx: Ctx, pair: SearchAttributeUpdatePair): void {
  if (patched(FEWER_EVENTS)) (ctx.pendingAttributes ??= []).push(pair);
  else upsertSearchAttributes([pair]);
}

/** Past this many history events the run continues as new, well below Temporal's limits. */
const HISTORY_LIMIT = 2_000;
/** job_status is polled at the callback timeout's pace, at most every 10 s. */
const KYC_MAX_POLL_INTERVAL_MS = 10_000;

export const documentOf = (ctx: Ctx): StatusDocument => statusDocument(ctx.state, ctx.input, workflowInfo().workflowId);

/** The operator's view in the Temporal UI: status, step and accounts, no personal data. */
export function showDetails({ state }: Ctx): void {
  const accounts = state.accounts.map((a) => `${a.providerId} ${a.status}${a.errorCode ? ` (${a.errorCode})` : ''}`).join(', ');
  const datapoints = Object.entries(state.datapoints).map(([name, value]) => `${name} ${value}`).join(', ');
  const widget = state.widgetHint ? `\n\nlast widget callback: ${state.widgetHint}` : '';
  setCurrentDetails(`**${state.status}** at step \`${state.stage}\`\n\naccounts: ${accounts || 'none'}\n\ndata: ${datapoints}${widget}`);
}

/** Moves to a stage: the UI's details, and on a change the search attribute and the stored document. */
export async function enter(ctx: Ctx, stage: string, status: VerificationStatus = ctx.state.status): Promise<void> {
  const { state } = ctx;
  const statusChanged = state.status !== status;
  if (!statusChanged && state.stage === stage) return showDetails(ctx);
  // The first step after issuing the token is the first document the API can read.
  const firstDocument = state.stage === 'issueToken';
  state.stage = stage;
  state.status = status;
  state.updatedAt = new Date().toISOString(); // workflow time: deterministic on replay
  showDetails(ctx);
  const attributes = [...(ctx.pendingAttributes ?? []), ...(statusChanged ? [{ key: VerificationStatusKey, value: status }] : [])];
  ctx.pendingAttributes = undefined;
  if (attributes.length) upsertSearchAttributes(attributes);
  // A step within the same status (collectData → decide) shows in the UI's details; the stored document follows at the next status.
  if (statusChanged || firstDocument || !patched(FEWER_EVENTS)) await record(ctx);
}

export function record(ctx: Ctx): Promise<void> {
  return store().recordVerification.executeWithOptions({ summary: `record ${ctx.state.status}` }, [
    { runId: workflowInfo().firstExecutionRunId, requestId: ctx.input.requestId, document: documentOf(ctx) },
  ]);
}

export async function issueToken(ctx: Ctx): Promise<void> {
  const issued = await smile.issueLinkToken.executeWithOptions({ summary: 'create the Smile user and link token' }, [
    { externalUserId: ctx.input.externalUserId },
  ]);
  ctx.state.smileUserId = issued.smileUserId;
  upsertWithNextStatus(ctx, { key: SmileUserIdKey, value: issued.smileUserId });
  ctx.state.deadlines.connect = Date.now() + durationMs(ctx.input.policy.connectTimeout);
  await enter(ctx, 'awaitConnection', 'AWAITING_CONNECTION');
  // Only now may the linkToken update answer: the API's next GET must find the stored row.
  ctx.state.link = issued.link;
}

/** Refreshes the link token when due (or when forced); concurrent callers share one refresh. */
export async function refreshToken(ctx: Ctx, force = false): Promise<void> {
  const { state } = ctx;
  if (!state.link || !state.smileUserId) return;
  const due = Date.parse(state.link.expiresAt) - Date.now() <= durationMs(ctx.input.policy.tokenRefreshMargin);
  if (!force && !due) return;
  ctx.refreshing ??= smile.refreshLinkToken
    .executeWithOptions({ summary: 'refresh the link token' }, [{ smileUserId: state.smileUserId }])
    .then((link) => void (state.link = link))
    .finally(() => (ctx.refreshing = undefined));
  await ctx.refreshing;
}

/**
 * Waits until `done` holds or `deadline` passes. Continues as new when history
 * grows (a storm of events), after every handler has finished, carrying the state.
 */
async function waitFor(ctx: Ctx, done: () => boolean, deadline: number): Promise<boolean> {
  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;
  const met = await condition(() => done() || tooLong(), Math.max(deadline - Date.now(), 1));
  if (done()) return true;
  if (met && tooLong()) {
    await condition(allHandlersFinished);
    await continueAsNew<(input: VerificationInput, carried?: State) => Promise<StatusDocument>>(ctx.input, ctx.state);
  }
  return false;
}

export type ConnectionOutcome = 'connected' | 'expired' | 'failed';

export async function awaitConnection(ctx: Ctx): Promise<ConnectionOutcome> {
  const { state, input } = ctx;
  await enter(ctx, 'awaitConnection', 'AWAITING_CONNECTION');
  const tooManyFailures = () => state.failures >= input.policy.maxConnectAttempts;
  // Runs from before this change never asked Smile; they replay as they were.
  const confirms = patched(FEWER_EVENTS);
  const confirmWanted = () => confirms && ctx.confirmConnection === true && !isConnected(state);
  state.deadlines.connect ??= Date.now() + durationMs(input.policy.connectTimeout);
  for (;;) {
    if (await waitFor(ctx, () => isConnected(state) || tooManyFailures() || confirmWanted(), state.deadlines.connect)) {
      if (!confirmWanted()) break;
      await confirmConnection(ctx);
      continue;
    }
    if (Date.now() >= state.deadlines.connect) return 'expired';
  }
  return isConnected(state) ? 'connected' : 'failed';
}

/**
 * The widget reported a connected account but no ACCOUNT_CONNECTED arrived (late,
 * or lost while the API was down): Smile's account list decides. A connected
 * account counts as that webhook would have.
 */
async function confirmConnection(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  ctx.confirmConnection = false;
  const accounts = await smile.connectedAccounts.executeWithOptions({ summary: 'confirm the widget\'s connected account with Smile' }, [
    { smileUserId: state.smileUserId! },
  ]);
  for (const { accountId, providerId } of accounts) {
    applySmileEvent(state, {
      eventId: `confirmed-${accountId}-${state.connectionEpoch}`,
      type: 'ACCOUNT_CONNECTED',
      smileUserId: state.smileUserId!,
      accountId,
      providerId,
      hasPayload: false,
      createdAt: new Date().toISOString(),
    });
  }
}

export type SyncOutcome = 'synced' | 'timedOut' | 'disconnected';

export async function awaitSync(ctx: Ctx): Promise<SyncOutcome> {
  const { state, input } = ctx;
  const epoch = state.connectionEpoch;
  await enter(ctx, 'awaitSync', 'AWAITING_DATA');
  state.deadlines.data ??= Date.now() + durationMs(input.policy.dataTimeout);
  const disconnected = () => state.connectionEpoch !== epoch && !isConnected(state);
  for (;;) {
    if (await waitFor(ctx, () => currentSync(state) !== undefined || disconnected(), state.deadlines.data)) break;
    if (Date.now() >= state.deadlines.data) return 'timedOut';
  }
  if (disconnected()) {
    state.deadlines = { connect: Date.now() + durationMs(input.policy.connectTimeout) };
    return 'disconnected';
  }
  return 'synced';
}

/** From the TASK_FINISHED payload in the inbox when there is one, else from the Smile API. */
export async function collectData(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  await enter(ctx, 'collectData', 'EVALUATING');
  const sync = currentSync(state);
  const counts = sync?.hasPayload
    ? await store().storeTaskPayload.executeWithOptions({ summary: 'store the synced data from the webhook payload' }, [{ eventId: sync.eventId }])
    : await smile.fetchAndStoreDatapoints.executeWithOptions({ summary: 'fetch the data from the Smile API' }, [
        { smileUserId: state.smileUserId!, accountId: sync?.accountId },
      ]);
  for (const datapoint of DATAPOINTS) state.datapoints[datapoint] = (counts[datapoint] ?? 0) > 0 ? 'RECEIVED' : 'MISSING';
}

/** A KYC job: wait for its signed callback, then poll job_status until `maxWait`. */
export async function runKyc(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  await enter(ctx, 'kyc');
  const { jobId } = await smile.submitKycJob.executeWithOptions({ summary: 'submit the KYC job' }, [
    { runId: workflowInfo().firstExecutionRunId, smileUserId: state.smileUserId!, jobType: input.policy.kyc.jobType },
  ]);
  const kyc = (state.kyc = { jobId, status: 'PENDING' as const });
  const settled = () => state.kyc?.status !== 'PENDING';
  if (await condition(settled, durationMs(input.policy.kyc.callbackTimeout))) return;
  const giveUpAt = Date.now() + durationMs(input.policy.kyc.maxWait);
  while (!settled() && Date.now() < giveUpAt) {
    const result = await smile.getKycJobStatus.executeWithOptions({ summary: 'poll the KYC job status' }, [
      { jobId, smileUserId: state.smileUserId },
    ]);
    const status = result.resultCode ? kycStatusOf(result.resultCode) : undefined;
    if (result.complete && status) state.kyc = { ...kyc, status, resultCode: result.resultCode };
    else await sleep(Math.min(KYC_MAX_POLL_INTERVAL_MS, durationMs(input.policy.kyc.callbackTimeout)));
  }
  if (!settled()) state.kyc = { ...kyc, status: 'TIMED_OUT' };
}

export async function decide(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  await enter(ctx, 'decide', 'EVALUATING');
  state.decision = await store().evaluateVerification.executeWithOptions({ summary: 'evaluate the data against the policy' }, [
    {
      runId: workflowInfo().firstExecutionRunId,
      requestId: input.requestId,
      smileUserId: state.smileUserId!,
      policy: input.policy,
      ...(state.kyc ? { kyc: { status: state.kyc.status, resultCode: state.kyc.resultCode } } : {}),
    },
  ]);
  upsertWithNextStatus(ctx, { key: DecisionKey, value: state.decision!.outcome });
}

/**
 * Closes the verification. The result callback (SPEC §7) is delivered by a child
 * workflow that outlives this one (retries for up to 24 h), so a new verification
 * of the same user can start at once; the child records the delivery's outcome
 * in the stored status document.
 */
export async function close(ctx: Ctx, status: VerificationStatus): Promise<StatusDocument> {
  const { state, input } = ctx;
  const { firstExecutionRunId, workflowId } = workflowInfo();
  state.callback = { status: 'PENDING' };
  await enter(ctx, 'done', status);
  await startChild(resultCallbackWorkflow, {
    workflowId: callbackWorkflowId(firstExecutionRunId),
    args: [{ runId: firstExecutionRunId, verificationId: workflowId, callbackUrl: input.callbackUrl }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Result callback of ${workflowId}`,
  });
  return documentOf(ctx);
}
