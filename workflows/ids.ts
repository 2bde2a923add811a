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

const KYC_PREFIX = 'kyc-';

/** A KYC job's id: one per run, so resubmitting the job is idempotent. */
export const kycJobId = (runId: string): string => KYC_PREFIX + runId;

/** The run a KYC job belongs to; undefined for anything that is not a KYC job id. */
export function runIdOfKycJob(jobId: string): string | undefined {
  return jobId.startsWith(KYC_PREFIX) && jobId.length > KYC_PREFIX.length ? jobId.slice(KYC_PREFIX.length) : undefined;
}

/** The result callback's Standard Webhooks `webhook-id`: one per run, reused by every retry. */
export const callbackMessageId = (runId: string): string => `msg_${runId}`;
