import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { store } from './proxies.js';
import { VerificationStatusKey } from './search-attributes.js';
import type { Ctx } from './context.js';
import { statusDocument } from './state.js';
import type { StatusDocument, VerificationStatus } from './types.js';

/** A search attribute for the next status change: written with it, in one upsert. */
export function upsertWithNextStatus(ctx: Ctx, pair: SearchAttributeUpdatePair): void {
  (ctx.pendingAttributes ??= []).push(pair);
}

/** The run is named by its first run id, which stays the same across continue-as-new. */
export const documentOf = (ctx: Ctx): StatusDocument =>
  statusDocument(ctx.state, ctx.input, workflowInfo().workflowId, workflowInfo().firstExecutionRunId);

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
