import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { store } from './proxies.js';
import { VerificationStatusKey } from './search-attributes.js';
import { statusDocument, type State } from './state.js';
import type { ReviewRequest, SmileEventRef } from './messages.js';
import type { StatusDocument, VerificationInput, VerificationStatus } from './types.js';

/** What every step works on: the run's input and state, and what the steps share within one run. */
export interface Ctx {
  input: VerificationInput;
  state: State;
  /** An in-flight token refresh, shared by concurrent callers (not carried across continue-as-new). */
  refreshing?: Promise<void>;
  /** Search attributes to write with the next status change: one history event instead of several. */
  pendingAttributes?: SearchAttributeUpdatePair[];
  /** The widget said an account connected and no webhook has yet: ask Smile (not carried across continue-as-new). */
  confirmConnection?: boolean;
  /** onTokenExpired arrived: the main flow refreshes the token, at most once a minute. */
  refreshRequested?: boolean;
  /** When the main flow last refreshed for onTokenExpired (workflow time, epoch ms). */
  lastRequestedRefreshAt?: number;
  /** Smile events that arrived before the Smile user was known, applied once it is. */
  earlyEvents?: SmileEventRef[];
  /** Set by a KYC step that counts a callback only once job_status confirms it; the callback's code then waits here. */
  kycCallback?: { resultCode?: string };
  /** The run's one close: a second caller (a cancel landing during it) gets the same result. */
  closing?: Promise<StatusDocument>;
  /** Set once the closed status document is stored: an accepted review update then answers it. */
  closed?: boolean;
  /** A reviewer's accepted `reviewUpdate`, for the review step to apply (a run IN_REVIEW accepts one). */
  reviewRequest?: ReviewRequest;
}

/** A search attribute for the next status change: written with it, in one upsert. */
export function upsertWithNextStatus(ctx: Ctx, pair: SearchAttributeUpdatePair): void {
  (ctx.pendingAttributes ??= []).push(pair);
}

export const documentOf = (ctx: Ctx): StatusDocument => statusDocument(ctx.state, ctx.input, workflowInfo().workflowId);

/** The operator's view in the Temporal UI: status, step and accounts, no personal data. */
export function showDetails({ state, input }: Ctx): void {
  const accounts = state.accounts
    .map((a) => `${a.providerId} ${a.status}${a.errorCode ? ` (${a.errorCode})` : ''}`)
    .join(', ');
  const datapoints = Object.entries(state.datapoints)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  const widget = state.widgetHint ? `\n\nlast widget callback: ${state.widgetHint}` : '';
  // Continue-as-new cannot carry the static summary (SDK 1.24): a continued run says whose verification it is here.
  const continued = workflowInfo().continuedFromExecutionRunId
    ? `Verification of ${input.externalUserId}, continued as new\n\n`
    : '';
  setCurrentDetails(
    `${continued}**${state.status}** at step \`${state.stage}\`\n\naccounts: ${accounts || 'none'}\n\ndata: ${datapoints}${widget}`,
  );
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
  const attributes = [
    ...(ctx.pendingAttributes ?? []),
    ...(statusChanged ? [{ key: VerificationStatusKey, value: status }] : []),
  ];
  ctx.pendingAttributes = undefined;
  if (attributes.length) upsertSearchAttributes(attributes);
  // A step within the same status (collectData → decide) shows in the UI's details; the stored document follows at the next status.
  if (statusChanged || firstDocument) await record(ctx);
}

/** Stores the status document, which the API serves once the run has closed. */
export function record(ctx: Ctx): Promise<void> {
  return store().recordVerification.executeWithOptions({ summary: `record ${ctx.state.status}` }, [
    { runId: workflowInfo().firstExecutionRunId, requestId: ctx.input.requestId, document: documentOf(ctx) },
  ]);
}
