import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../db/client.js';
import { upsertDatapoints } from '../db/datapoints.js';
import { MAX_JUDGED_DOCUMENTS } from '../decide/documents.js';
import type { SmileClient } from '../smile/index.js';

export type SmileArchivesApi = Pick<SmileClient, 'getArchive' | 'payslipPrediction'>;

const gone = (error: unknown) => error instanceof ApplicationFailure && error.type === 'SmileMissingResource';

export function createDocumentActivities({ sql, smile }: { sql: Sql; smile: SmileArchivesApi }) {
  return {
    /**
     * Fetches the run's uploads from Smile (the archive, and for a payslip Smile's
     * extraction) and stores each as a datapoint of its archive, like synced data:
     * erased and purged with the rest. Only the archives a decision judges are
     * fetched (the first MAX_JUDGED_DOCUMENTS by id). An archive Smile no longer
     * has is stored without an extraction, so the decision says it could not read it.
     */
    async fetchAndStoreDocuments({
      smileUserId,
      archiveIds,
    }: {
      smileUserId: string;
      archiveIds: string[];
    }): Promise<{ stored: number }> {
      const judged = [...archiveIds].sort().slice(0, MAX_JUDGED_DOCUMENTS);
      for (const archiveId of judged) {
        let status = 'MISSING';
        let prediction: Record<string, unknown> = {};
        try {
          const archive = await smile.getArchive(archiveId);
          status = archive.state?.status ?? 'UNKNOWN';
          if (archive.type === 'PAYSLIP' && status !== 'REVOKED') prediction = await smile.payslipPrediction(archiveId);
        } catch (error) {
          if (!gone(error)) throw error;
        }
        await upsertDatapoints(sql, smileUserId, [
          { id: archiveId, kind: 'payslips', accountId: archiveId, raw: { status, prediction } },
        ]);
      }
      return { stored: judged.length };
    },
  };
}
