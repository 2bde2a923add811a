import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { State } from './state.js';
import type { Ctx } from './status.js';
import type { StatusDocument, VerificationInput } from './types.js';

/** Past this many history events the run continues as new, well below Temporal's limits. */
const HISTORY_LIMIT = 2_000;

/**
 * Waits until `done` holds or `deadline` passes. Continues as new when history
 * grows (a storm of events), after every handler has finished, carrying the state.
 */
export async function waitFor(ctx: Ctx, done: () => boolean, deadline: number): Promise<boolean> {
  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;
  const met = await condition(() => done() || tooLong(), Math.max(deadline - Date.now(), 1));
  if (done()) return true;
  if (met && tooLong()) {
    await condition(allHandlersFinished);
    await continueAsNew<(input: VerificationInput, carried?: State) => Promise<StatusDocument>>(ctx.input, ctx.state);
  }
  return false;
}
