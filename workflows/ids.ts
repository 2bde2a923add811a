/** What an `externalUserId` may contain (SPEC §3): safe in a workflow id, a URL and a log line. */
export const EXTERNAL_USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

const PREFIX = 'verification-';

/** A verification's id is its workflow id: one running verification per user. */
export function verificationWorkflowId(externalUserId: string): string {
  if (!EXTERNAL_USER_ID_PATTERN.test(externalUserId)) {
    throw new TypeError('externalUserId must be 1-128 characters of [A-Za-z0-9._:@-]');
  }
  return PREFIX + externalUserId;
}

/** The inverse of `verificationWorkflowId`; undefined for anything that is not a verification id. */
export function externalUserIdOf(verificationId: string): string | undefined {
  if (!verificationId.startsWith(PREFIX)) return undefined;
  const externalUserId = verificationId.slice(PREFIX.length);
  return EXTERNAL_USER_ID_PATTERN.test(externalUserId) ? externalUserId : undefined;
}

/** The result callback's child workflow: one per verification, named by the verification's first run. */
export function callbackWorkflowId(firstRunId: string): string {
  return `callback-${firstRunId}`;
}

/**
 * A verification's `webhook-id` (Standard Webhooks): the same on every retry of
 * its result callback, so the client can drop a delivery it has already seen.
 */
export function callbackMessageId(runId: string): string {
  return `msg_${runId}`;
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
