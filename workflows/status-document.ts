import { z } from 'zod';
import { DATAPOINTS } from '../smile/kinds.js';
import {
  CALLBACK_STATUSES,
  DATAPOINT_STATES,
  INVITE_STATUSES,
  KYC_STATUSES,
  MONITOR_END_REASONS,
  MONITORING_STATUSES,
  OUTCOMES,
  REASON_RESULTS,
  REVIEW_OUTCOMES,
  REVIEW_STATUSES,
  STATUSES,
  SYNC_STATUSES,
} from './types.js';

/*
 * The status document, once: the workflow builds it, the API validates and
 * documents it with these schemas, and every type of it is inferred from them.
 * Zod is pure JavaScript, so the workflow bundle may hold it.
 */

export const accountViewSchema = z.object({
  accountId: z.string(),
  providerId: z.string(),
  status: z.string(),
  errorCode: z.string().optional(),
  /** ACCOUNT, ARCHIVE or UPLOAD (Smile's sourceType). */
  sourceType: z.string().optional(),
  /** When this run saw the account connect (the event's createdAt). */
  connectedAt: z.string().optional(),
  /** The account's last finished sync in this run. */
  sync: z.object({ status: z.enum(SYNC_STATUSES), finishedAt: z.string() }).optional(),
});

export const kycResultSchema = z.object({
  jobId: z.string(),
  status: z.enum(KYC_STATUSES),
  resultCode: z.string().optional(),
});

/** The result callback's delivery. */
export const callbackResultSchema = z.object({ status: z.enum(CALLBACK_STATUSES), error: z.string().optional() });

export const decisionSchema = z.object({
  outcome: z.enum(OUTCOMES),
  /** The rules that did not pass. */
  reasons: z.array(z.object({ code: z.string(), result: z.enum(REASON_RESULTS), message: z.string() })),
  evaluatedAt: z.string(),
  /** sha256 (hex) of the canonical JSON of the decision's inputs. */
  evidenceHash: z.string(),
  engineVersion: z.string(),
  /** The engine's outcome, when a reviewer's outcome replaced it. */
  automatedOutcome: z.enum(OUTCOMES).optional(),
});

/** A review: RESOLVED by a reviewer, or EXPIRED at `policy.review.timeout`. */
export const reviewResultSchema = z.object({
  status: z.enum(REVIEW_STATUSES),
  reviewer: z.string().optional(),
  outcome: z.enum(REVIEW_OUTCOMES).optional(),
  note: z.string().optional(),
  reasonCode: z.string().optional(),
  reviewedAt: z.string().optional(),
  /** The API key's name (never its secret) that sent the review. */
  keyName: z.string().optional(),
});

/** One change a monitor saw: the outcome before and after, and the codes whose result changed. */
export const monitoringChangeSchema = z.object({
  at: z.string(),
  from: z.enum(OUTCOMES),
  to: z.enum(OUTCOMES),
  codes: z.array(z.string()),
});

/** The `monitoring` of a monitored verification, kept current by the user's monitor after the run closed. */
export const monitoringSchema = z.object({
  status: z.enum(MONITORING_STATUSES),
  until: z.string(),
  lastSyncAt: z.string().optional(),
  changes: z.array(monitoringChangeSchema),
  endedReason: z.enum(MONITOR_END_REASONS).optional(),
  endedAt: z.string().optional(),
});

/** The hosted invite of a run started with `invite`: Smile's id, its landing page, and how far the user got. */
export const inviteViewSchema = z.object({ inviteId: z.string(), url: z.string(), status: z.enum(INVITE_STATUSES) });

/** The widget screens the user saw (onUIEvent names and times, nothing else), oldest first. */
export const widgetTrailSchema = z.object({
  lastScreen: z.string(),
  screens: z.array(z.object({ name: z.string(), at: z.string() })),
});

/** The status document, served by the API while running and after close (from Postgres). */
export const statusDocumentSchema = z.object({
  verificationId: z.string(),
  runId: z.string(),
  externalUserId: z.string(),
  smileUserId: z.string().nullable(),
  status: z.enum(STATUSES),
  /** The step the workflow is in (issueToken, awaitConnection, awaitSync, collectData, kyc, decide, done). */
  stage: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  accounts: z.array(accountViewSchema),
  datapoints: z.record(z.enum(DATAPOINTS), z.enum(DATAPOINT_STATES)),
  kyc: kycResultSchema.optional(),
  callback: callbackResultSchema.optional(),
  /** Why a verification FAILED. */
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  decision: decisionSchema.optional(),
  review: reviewResultSchema.optional(),
  monitoring: monitoringSchema.optional(),
  partnerParams: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  invite: inviteViewSchema.optional(),
  widget: widgetTrailSchema.optional(),
  /** The run's uploads (Smile archives) and where each is. */
  documents: z.array(z.object({ archiveId: z.string(), status: z.string() })).optional(),
  /** The user's latest erasure (`DELETE …/data`, or eraseOnDisconnect): ERASING until every step is done; set by the API's read. */
  erasure: z
    .object({ status: z.enum(['ERASING', 'ERASED']), requestedAt: z.string(), finishedAt: z.string().optional() })
    .optional(),
});

export type AccountView = z.infer<typeof accountViewSchema>;
export type KycResult = z.infer<typeof kycResultSchema>;
export type CallbackResult = z.infer<typeof callbackResultSchema>;
export type Decision = z.infer<typeof decisionSchema>;
export type ReviewResult = z.infer<typeof reviewResultSchema>;
export type MonitoringChange = z.infer<typeof monitoringChangeSchema>;
export type Monitoring = z.infer<typeof monitoringSchema>;
export type InviteView = z.infer<typeof inviteViewSchema>;
export type WidgetTrail = z.infer<typeof widgetTrailSchema>;
export type StatusDocument = z.infer<typeof statusDocumentSchema>;
