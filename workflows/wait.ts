import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { State } from './state.js';
import type { Ctx } from './context.js';
import { record } from './status.js';
import { refreshAllowedAt, refreshDue, serveRefreshRequest } from './steps/token.js';
import type { StatusDocument, VerificationInput } from './types.js';

/** Past this many history events the run continues as new, well below Temporal's limits. */
const HISTORY_LIMIT = 2_000;

/**
 * Waits until `done` holds or `deadline` passes. Continues as new when history
 * grows (a storm of events), after every handler has finished, carrying the state.
 * A recorded onTokenExpired is served on the way (the wait then returns false,
 * and the caller waits again).
 */
export async function waitFor(ctx: Ctx, done: () => boolean, deadline: number): Promise<boolean> {
  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;
  const requested = ctx.refreshRequested === true;
  const until = requested ? Math.min(deadline, Math.max(refreshAllowedAt(ctx), Date.now())) : deadline;
  // A request recorded during the wait ends it too, so the next wait's deadline includes the request's turn.
  const newRequest = () => !requested && ctx.refreshRequested === true;
  const changed = () => ctx.documentChanged === true;
  const met = await condition(
    () => done() || tooLong() || refreshDue(ctx) || newRequest() || changed(),
    Math.max(until - Date.now(), 1),
  );
  if (done()) return true;
  if (refreshDue(ctx)) {
    await serveRefreshRequest(ctx);
    return false;
  }
  if (newRequest()) return false;
  if (changed()) {
    // A new widget screen or invite status shows in the stored document while the run waits.
    ctx.documentChanged = false;
    await record(ctx);
    return false;
  }
  if (met && tooLong()) {
    await condition(allHandlersFinished);
    await continueAsNew<(input: VerificationInput, carried?: State) => Promise<StatusDocument>>(ctx.input, ctx.state);
  }
  return false;
}
