import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { smileIdSignature } from '../../smile/signatures.js';
import { kycJobId } from '../../workflows/ids.js';
import { kycStatusOf } from '../../workflows/kyc-codes.js';
import type { KycResult } from '../../workflows/types.js';

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

async function post(config: KycConfig, path: string, body: object, signal?: AbortSignal): Promise<unknown> {
  const timestamp = new Date().toISOString();
  const timeout = AbortSignal.timeout(config.timeoutMs ?? 10_000);
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
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
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

function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** The Smile ID style KYC job provider. Job ids derive from the run: resubmitting is idempotent. */
export function createKycActivities(config: KycConfig) {
  async function jobStatus(jobId: string, smileUserId?: string): Promise<{ complete: boolean; resultCode?: string }> {
    const body = { job_id: jobId, user_id: smileUserId };
    const reply = statusReply.safeParse(await post(config, '/job_status', body, activitySignal()));
    if (!reply.success) throw ApplicationFailure.retryable('KYC job_status answer did not parse', 'KycInvalidResponse');
    const code = reply.data.result?.ResultCode ?? reply.data.ResultCode;
    return { complete: reply.data.job_complete, ...(code !== undefined ? { resultCode: String(code) } : {}) };
  }

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
        await post(
          config,
          '/jobs',
          {
            callback_url: config.callbackUrl,
            partner_params: { job_id: jobId, user_id: smileUserId, job_type: jobType },
          },
          activitySignal(),
        ),
      );
      return { jobId };
    },

    /**
     * The job's result as job_status states it: the one authority a callback's
     * result counts by. Until the job is complete with a known result
     * code it fails `KycJobPending`, and Temporal's retries (with backoff, up to the
     * policy's maxWait) are the polling: one activity, however long it takes.
     */
    async kycJobResult({
      jobId,
      smileUserId,
    }: {
      jobId: string;
      smileUserId?: string;
    }): Promise<{ status: Exclude<KycResult['status'], 'PENDING' | 'TIMED_OUT'>; resultCode: string }> {
      const { complete, resultCode } = await jobStatus(jobId, smileUserId);
      const status = complete && resultCode ? kycStatusOf(resultCode) : undefined;
      if (!status || !resultCode)
        throw ApplicationFailure.retryable('the KYC job is not complete yet', 'KycJobPending');
      return { status, resultCode };
    },
  };
}
