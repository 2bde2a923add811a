import { continueAsNew, setCurrentDetails } from '@temporalio/workflow';
import { purge, smileAccounts } from './proxies.js';

export interface RetentionInput {
  /** DATA_RETENTION_DAYS: runs closed longer ago are purged. */
  retentionDays: number;
  /** Runs per batch (one transaction each). */
  batchSize?: number;
  /** Carried over continue-as-new. */
  purgedSoFar?: number;
  /** Carried over continue-as-new: the expired orphan events are gone already. */
  orphansDone?: boolean;
}

const DEFAULT_BATCH = 100;
/** Batches per run before continue-as-new: bounded history however much is due. */
const BATCHES_PER_RUN = 200;
/** Orphan events deleted per batch (one statement each). */
const ORPHAN_BATCH = 1_000;

/**
 * The retention purge, started daily by the `data-retention`
 * Schedule: orphan events older than 30 days go (rows and bodies), then batch
 * after batch of expired runs until none is left; the accounts of a user whose
 * data went are turned off and revoked at Smile too. Its progress is in the
 * workflow's current details (Temporal UI, `temporal workflow describe`).
 */
export async function retentionWorkflow({
  retentionDays,
  batchSize = DEFAULT_BATCH,
  purgedSoFar = 0,
  orphansDone = false,
}: RetentionInput): Promise<{ runs: number }> {
  const store = purge();
  let batch = 0;
  for (; !orphansDone && batch < BATCHES_PER_RUN; batch++) {
    setCurrentDetails(`deleting orphan events older than 30 days; batch ${batch + 1} running`);
    const { events } = await store.expireOrphanEvents({ limit: ORPHAN_BATCH });
    orphansDone = events < ORPHAN_BATCH;
  }
  let runs = purgedSoFar;
  for (; batch < BATCHES_PER_RUN; batch++) {
    setCurrentDetails(`purged ${runs} run(s) closed more than ${retentionDays} day(s) ago; batch ${batch + 1} running`);
    const done = await store.purgeExpiredRuns({ retentionDays, limit: batchSize });
    runs += done.runs;
    await Promise.all(
      done.accounts.map(async (accountId) => {
        await smileAccounts().disableSmileMonitor({ accountId });
        await smileAccounts().revokeSmileAccount({ accountId });
      }),
    );
    if (done.runs < batchSize) {
      setCurrentDetails(`done: purged ${runs} run(s) closed more than ${retentionDays} day(s) ago`);
      return { runs };
    }
  }
  return continueAsNew<typeof retentionWorkflow>({ retentionDays, batchSize, purgedSoFar: runs, orphansDone });
}
