import { continueAsNew, setCurrentDetails } from '@temporalio/workflow';
import { purge } from './proxies.js';

export interface RetentionInput {
  /** DATA_RETENTION_DAYS: runs closed longer ago are purged. */
  retentionDays: number;
  /** Runs per batch (one transaction each). */
  batchSize?: number;
  /** Carried over continue-as-new. */
  purgedSoFar?: number;
}

const DEFAULT_BATCH = 100;
/** Batches per run before continue-as-new: bounded history however much is due. */
const BATCHES_PER_RUN = 200;

/**
 * The retention purge, started daily by the `data-retention`
 * Schedule: batch after batch of expired runs until none is left, its progress
 * in the workflow's current details (Temporal UI, `temporal workflow describe`).
 */
export async function retentionWorkflow({
  retentionDays,
  batchSize = DEFAULT_BATCH,
  purgedSoFar = 0,
}: RetentionInput): Promise<{ runs: number }> {
  const store = purge();
  let runs = purgedSoFar;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    setCurrentDetails(`purged ${runs} run(s) closed more than ${retentionDays} day(s) ago; batch ${batch + 1} running`);
    const done = await store.purgeExpiredRuns({ retentionDays, limit: batchSize });
    runs += done.runs;
    if (done.runs < batchSize) {
      setCurrentDetails(`done: purged ${runs} run(s) closed more than ${retentionDays} day(s) ago`);
      return { runs };
    }
  }
  return continueAsNew<typeof retentionWorkflow>({ retentionDays, batchSize, purgedSoFar: runs });
}
