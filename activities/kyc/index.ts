import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { smileIdSignature } from '../../api/inbox/signatures.js';
import { kycJobId } from '../../workflows/ids.js';

export interface KycConfig {
  /** e.g. http://127.0.0.1:3100/smile-id/v1 */
  url: string;
  partnerId: string;
  apiKey: string;
  /** This service's `/webhooks/smile-id`. */
  callbackUrl: string;
  timeoutMs?: number;
}

const submitReply = z.looseObject({ smile_job_id: z.string().optional(), job_id: z.string().optional() });
const statusReply = z.looseObject({
  job_complete: z.boolean(),
  job_success: z.boolean().optional(),
  result: z.looseObject({ ResultCode: z.union([z.string(), z.number()]).optional() }).nullish(),
  ResultCode: z.union([z.string(), z.number()]).optional(),
});

async function post(config: KycConfig, path: string, body: object): Promise<unknown> {
  const timestamp = new Date().toISOString();
  let response: Response;
  try {
    response = await fetch(`${config.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...body,
        partner_id: config.partnerId,
        timestamp,
        signature: smileIdSignature(config.apiKey, timestamp, config.partnerId),
      }),
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw ApplicationFailure.retryable(`KYC provider unreachable: ${(error as Error).message}`, 'KycUnavailable');
  }
  if (response.status >= 500 || response.status === 429) {
    throw ApplicationFailure.retryable(`KYC provider answered ${response.status}`, 'KycUnavailable');
  }
  if (!response.ok)
    throw ApplicationFailure.nonRetryable(
      `KYC provider rejected the request (${response.status})`,
      'KycRejectedRequest',
    );
  return response.json();
}

/** The Smile ID style KYC job provider (SPEC §5). Job ids derive from the run: resubmitting is idempotent. */
export function createKycActivities(config: KycConfig) {
  return {
    async submitKycJob({
      runId,
      smileUserId,
      jobType,
    }: {
      runId: string;
      smileUserId: string;
      jobType: number;
    }): Promise<{ jobId: string }> {
      const jobId = kycJobId(runId);
      submitReply.parse(
        await post(config, '/jobs', {
          callback_url: config.callbackUrl,
          partner_params: { job_id: jobId, user_id: smileUserId, job_type: jobType },
        }),
      );
      return { jobId };
    },

    async getKycJobStatus({
      jobId,
      smileUserId,
    }: {
      jobId: string;
      smileUserId?: string;
    }): Promise<{ complete: boolean; resultCode?: string }> {
      const reply = statusReply.safeParse(await post(config, '/job_status', { job_id: jobId, user_id: smileUserId }));
      if (!reply.success)
        throw ApplicationFailure.retryable('KYC job_status answer did not parse', 'KycInvalidResponse');
      const code = reply.data.result?.ResultCode ?? reply.data.ResultCode;
      return { complete: reply.data.job_complete, ...(code !== undefined ? { resultCode: String(code) } : {}) };
    },
  };
}
