import type { CallbackType } from './types.js';

/** What an `externalUserId` may contain: safe in a workflow id, a URL and a log line. */
export const EXTERNAL_USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** What every verification id starts with, followed by its `externalUserId`. */
export const VERIFICATION_ID_PREFIX = 'verification-';

/** A verification's id is its workflow id: one running verification per user. */
export function verificationWorkflowId(externalUserId: string): string {
  if (!EXTERNAL_USER_ID_PATTERN.test(externalUserId)) {
    throw new TypeError('externalUserId must be 1-128 characters of [A-Za-z0-9._:@-]');
  }
  return VERIFICATION_ID_PREFIX + externalUserId;
}

/** The inverse of `verificationWorkflowId`; undefined for anything that is not a verification id. */
export function externalUserIdOf(verificationId: string): string | undefined {
  if (!verificationId.startsWith(VERIFICATION_ID_PREFIX)) return undefined;
  const externalUserId = verificationId.slice(VERIFICATION_ID_PREFIX.length);
  return EXTERNAL_USER_ID_PATTERN.test(externalUserId) ? externalUserId : undefined;
}

/**
 * One result callback message of a run. `verification.completed` keeps
 * the names runs before message types used; `verification.review_required` is
 * one per run; `verification.updated` is numbered by the monitor's change (1, 2, …).
 */
export interface CallbackMessage {
  runId: string;
  type: CallbackType;
  /** The monitor's change number, for `verification.updated`. */
  sequence?: number;
}

function messageSuffix({ type, sequence }: CallbackMessage): string {
  if (type === 'verification.completed') return '';
  if (type === 'verification.review_required') return '_review';
  return `_update_${sequence ?? 0}`;
}

/** A message's child workflow (it outlives the run that started it): one per message. */
export function callbackWorkflowId(firstRunId: string, message?: Omit<CallbackMessage, 'runId'>): string {
  return `callback-${firstRunId}${message ? messageSuffix({ runId: firstRunId, ...message }).replaceAll('_', '-') : ''}`;
}

/**
 * A message's `webhook-id` (Standard Webhooks): its own, the same on every retry
 * of it, so the client can drop a delivery it has already seen.
 */
export function callbackMessageId(runId: string, message?: Omit<CallbackMessage, 'runId'>): string {
  return `msg_${runId}${message ? messageSuffix({ runId, ...message }) : ''}`;
}

const KYC_PREFIX = 'kyc-';

/** The KYC job of a verification, named by its first run: resubmitting the job is idempotent. */
export function kycJobId(runId: string): string {
  return KYC_PREFIX + runId;
}

/** The inverse of `kycJobId`: the run a KYC callback belongs to; undefined for anything that is not a KYC job id. */
export function runIdOfKycJob(jobId: string): string | undefined {
  if (!jobId.startsWith(KYC_PREFIX) || jobId.length === KYC_PREFIX.length) return undefined;
  return jobId.slice(KYC_PREFIX.length);
}

const ERASURE_PREFIX = 'erasure-';

/**
 * A user's erasure: one at a time per user (a second request joins the
 * running one), and a closed one may run again (erasing twice is fine).
 */
export function erasureWorkflowId(externalUserId: string): string {
  verificationWorkflowId(externalUserId);
  return ERASURE_PREFIX + externalUserId;
}

/** The daily Temporal Schedule that starts the retention purge. */
export const RETENTION_SCHEDULE_ID = 'data-retention';
