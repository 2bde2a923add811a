import { activeTraceparent } from '../runtime/tracing.js';
import type { Client } from '@temporalio/client';
import type { ReviewOutcome, StatusDocument } from '../workflows/types.js';
import { recordRunAudit } from '../db/audit.js';
import type { Sql } from '../db/client.js';
import {
  recordCallbackOutcome,
  recordMonitoring,
  recordVerification,
  type MonitoringRecord,
} from '../db/verifications.js';
import { failDeterministicDatabaseErrors } from './database-errors.js';
import { createDataActivities } from './datapoints.js';
import { createErasureActivities } from './erasure.js';
import { createEvaluationActivities } from './evaluation.js';
import { createDocumentActivities } from './documents.js';
import { createInviteActivities } from './invites.js';
import { createKycActivities, type KycConfig } from './kyc/index.js';
import { createNotifyActivities } from './notify.js';
import type { SmileClient } from '../smile/index.js';
import { createTokenActivities, type SmileUsersApi } from './tokens.js';

export interface ActivityDeps {
  sql: Sql;
  /** The token activities' part of the Smile client, and what the data and invite activities add to it. */
  smile: SmileUsersApi &
    Pick<SmileClient, 'dataPages' | 'createInvite' | 'iterateInvites' | 'getArchive' | 'payslipPrediction'>;
  /** SMILE_INVITE_TEMPLATE_ID: the template of the invites runs ask Smile for. */
  inviteTemplateId?: string | undefined;
  kyc: KycConfig;
  callback: { defaultUrl?: string; secret: string; publicUrl?: string; allowPrivateNetworks: boolean };
  /** The worker's own client: the erasure signals and cancels the user's workflows with it. */
  temporal?: Client;
}

/**
 * The activities that call the Smile API or the KYC provider. The worker runs
 * them on the Smile task queue, rate-limited for every worker together; the
 * workflows' Smile proxies are typed with exactly these.
 */
export function createSmileActivities({ sql, smile, kyc, inviteTemplateId }: ActivityDeps) {
  return failDeterministicDatabaseErrors({
    ...createTokenActivities({ sql, smile }),
    ...createInviteActivities({ sql, smile, templateId: inviteTemplateId }),
    ...createDocumentActivities({ sql, smile }),
    ...createDataActivities({ sql, smile }),
    ...createKycActivities(kyc),
  });
}

/** The activities on the main task queue: Postgres, decisions, result callbacks, stopping workflows. */
export function createStoreActivities({ sql, callback, temporal }: ActivityDeps) {
  return failDeterministicDatabaseErrors({
    ...createEvaluationActivities({ sql }),
    ...createNotifyActivities({ sql, ...callback }),
    ...createErasureActivities({ sql, temporal }),

    async recordVerification(input: { runId: string; requestId: string; document: StatusDocument }): Promise<void> {
      // This activity runs in the verification's trace: webhook deliveries link to it.
      await recordVerification(sql, { ...input, traceParent: activeTraceparent() ?? null });
    },

    /** A reviewer's outcome: one audit row per run, however often the activity runs. */
    async recordReviewAudit(input: {
      runId: string;
      verificationId: string;
      keyName: string;
      outcome: ReviewOutcome;
    }): Promise<void> {
      const { outcome, ...row } = input;
      await recordRunAudit(sql, { action: 'review', ...row, details: { outcome } });
    },

    async recordCallbackOutcome(input: Parameters<typeof recordCallbackOutcome>[1]): Promise<void> {
      await recordCallbackOutcome(sql, input);
    },

    /** A monitor's state into its run's status document; an older revision changes nothing. */
    async recordMonitoring(input: MonitoringRecord): Promise<void> {
      await recordMonitoring(sql, input);
    },
  });
}

/**
 * Every activity, wired to its dependencies. Workflows import only the types
 * (`import type { Activities }`), so no I/O code reaches the workflow bundle.
 * A database error that a retry would meet again fails at once (`DatabaseRejected`).
 */
export function createActivities(deps: ActivityDeps) {
  return { ...createSmileActivities(deps), ...createStoreActivities(deps) };
}

export type SmileActivities = ReturnType<typeof createSmileActivities>;
export type Activities = ReturnType<typeof createActivities>;
