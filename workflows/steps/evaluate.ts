import { workflowInfo } from '@temporalio/workflow';
import type { Ctx } from '../context.js';
import { smile, smilePages, store } from '../proxies.js';
import { DecisionKey } from '../search-attributes.js';
import { currentSync, isUpload, runAccounts } from '../state.js';
import { enter, upsertWithNextStatus } from '../status.js';
import { DATAPOINTS } from '../types.js';

// From synced data to a decision: collect the data, decide (KYC, when the policy asks, is in kyc.ts; closing in close.ts).

/**
 * From the TASK_FINISHED payload in the inbox when there is one, else from the
 * Smile API; the run's other accounts from the API. The
 * counts are of the run's accounts' data.
 */
export async function collectData(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  await enter(ctx, 'collectData', 'EVALUATING');
  const run = runAccounts(state);
  // Uploads are fetched as documents (archive and extraction), not as an account's datapoints.
  const archiveIds = run.filter(isUpload).map((a) => a.accountId);
  const accountIds = run.filter((a) => !isUpload(a)).map((a) => a.accountId);
  const synced = currentSync(state);
  const sync = synced && !archiveIds.includes(synced.accountId ?? '') ? synced : undefined;
  const others = accountIds.filter((id) => id !== sync?.accountId);
  if (sync?.hasPayload && others.length > 0)
    await smilePages().fetchAndStoreDatapoints.executeWithOptions({ summary: "fetch the run's other accounts' data" }, [
      { smileUserId: state.smileUserId!, accountIds: others },
    ]);
  // The payload's capped lists are completed through the Smile API: a normal activity, on the Smile queue.
  const counts = sync?.hasPayload
    ? await smilePages().storeTaskPayload.executeWithOptions(
        { summary: 'store the synced data from the webhook payload' },
        [{ eventId: sync.eventId, accountIds }],
      )
    : await smilePages().fetchAndStoreDatapoints.executeWithOptions({ summary: 'fetch the data from the Smile API' }, [
        { smileUserId: state.smileUserId!, accountId: sync?.accountId, accountIds },
      ]);
  for (const datapoint of DATAPOINTS)
    state.datapoints[datapoint] = (counts[datapoint] ?? 0) > 0 ? 'RECEIVED' : 'MISSING';
  if (archiveIds.length > 0)
    await smile().fetchAndStoreDocuments.executeWithOptions(
      { summary: "fetch the uploaded payslips and Smile's extraction of each" },
      [{ smileUserId: state.smileUserId!, archiveIds }],
    );
}

export async function decide(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  await enter(ctx, 'decide', 'EVALUATING');
  state.decision = await store().evaluateVerification.executeWithOptions(
    { summary: 'evaluate the data against the policy' },
    [
      {
        runId: workflowInfo().firstExecutionRunId,
        requestId: input.requestId,
        smileUserId: state.smileUserId!,
        policy: input.policy,
        accounts: runAccounts(state),
        ...(state.kyc ? { kyc: { status: state.kyc.status, resultCode: state.kyc.resultCode } } : {}),
      },
    ],
  );
  upsertWithNextStatus(ctx, { key: DecisionKey, value: state.decision!.outcome });
}
