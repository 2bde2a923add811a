import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { SandboxState } from '../state.js';

/** Smile ID result codes the sandbox answers with, and whether each approves. */
export const KYC_RESULT_CODES = {
  '1012': { approved: true, text: 'Valid ID / ID Number Validated' },
  '1020': { approved: true, text: 'Exact Match (Basic KYC and Enhanced KYC)' },
  '1021': { approved: true, text: 'Partial Match (Basic KYC and Enhanced KYC)' },
  '1013': { approved: false, text: 'Invalid ID / ID Number Not Found' },
  '1022': { approved: false, text: 'No Match (Basic KYC and Enhanced KYC)' },
  '1023': { approved: false, text: 'ID Number Not Found / Unable to validate' },
} as const;
export type KycResultCode = keyof typeof KYC_RESULT_CODES;
export const DEFAULT_KYC_RESULT_CODE: KycResultCode = '1012';

export interface PartnerParams {
  job_id: string;
  user_id: string;
  job_type: number | string;
}

export interface KycJob {
  smileJobId: string;
  partnerParams: PartnerParams;
  callbackUrl: string | undefined;
  resultCode: KycResultCode;
  complete: boolean;
  callbackStatus: number | null;
}

/** Smile ID's signature: base64 HMAC-SHA256 of timestamp + partner_id + "sid_request", keyed with the API key. */
export function smileIdSignature(apiKey: string, timestamp: string, partnerId: string): string {
  return createHmac('sha256', apiKey)
    .update(timestamp + partnerId + 'sid_request')
    .digest('base64');
}

export function validSmileIdSignature(
  apiKey: string,
  partnerId: string,
  body: { signature?: unknown; timestamp?: unknown; partner_id?: unknown },
) {
  if (typeof body.signature !== 'string' || typeof body.timestamp !== 'string' || body.partner_id !== partnerId)
    return false;
  const expected = Buffer.from(smileIdSignature(apiKey, body.timestamp, partnerId));
  const presented = Buffer.from(body.signature);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * The result code of a job, deterministically: the `kycResultCode` fault if
 * set; else a marker `RC<code>` in `job_id` or `user_id` (e.g. `job-RC1022`);
 * else 1012 (approved).
 */
export function chooseResultCode(state: SandboxState, params: PartnerParams): KycResultCode {
  if (state.faults.kycResultCode) return state.faults.kycResultCode;
  const marker = /RC(\d{4})/.exec(`${params.job_id} ${params.user_id}`)?.[1];
  return marker && marker in KYC_RESULT_CODES ? (marker as KycResultCode) : DEFAULT_KYC_RESULT_CODE;
}

/** The `result` of job_status, and the body of the callback (without its signature). */
export function jobResult(job: KycJob) {
  const { approved, text } = KYC_RESULT_CODES[job.resultCode];
  return {
    SmileJobID: job.smileJobId,
    PartnerParams: job.partnerParams,
    ResultType: 'ID Verification',
    ResultText: text,
    ResultCode: job.resultCode,
    IsFinalResult: 'true',
    Actions: {
      Verify_ID_Number: approved ? 'Verified' : 'Not Verified',
      Return_Personal_Info: approved ? 'Returned' : 'Not Returned',
    },
  };
}

/** Submitted jobs complete after `callbackDelayMs`, then their signed callback is POSTed to `callback_url`. */
export class KycService {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SandboxState,
    private readonly credentials: { partnerId: string; apiKey: string },
    private readonly callbackDelayMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  get jobs(): ReadonlyMap<string, KycJob> {
    return this.state.kycJobs;
  }

  submit(partnerParams: PartnerParams, callbackUrl: string | undefined): KycJob {
    const existing = this.state.kycJobs.get(partnerParams.job_id);
    if (existing) return existing;
    const job: KycJob = {
      smileJobId: String(randomInt(1_000_000_000, 9_999_999_999)).padStart(10, '0'),
      partnerParams,
      callbackUrl,
      resultCode: chooseResultCode(this.state, partnerParams),
      complete: false,
      callbackStatus: null,
    };
    this.state.kycJobs.set(partnerParams.job_id, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      job.complete = true;
      void this.callback(job);
    }, this.callbackDelayMs);
    this.timers.add(timer);
    return job;
  }

  /** A signed timestamp for any Smile ID answer. */
  signed() {
    const timestamp = this.state.now().toISOString();
    return { timestamp, signature: smileIdSignature(this.credentials.apiKey, timestamp, this.credentials.partnerId) };
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async callback(job: KycJob): Promise<void> {
    if (!job.callbackUrl || this.state.faults.dropKycCallbacks) return;
    try {
      const response = await fetch(job.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...jobResult(job), ...this.signed() }),
        signal: AbortSignal.timeout(10_000),
      });
      job.callbackStatus = response.status;
    } catch (error) {
      this.log.warn({ err: error, jobId: job.partnerParams.job_id }, 'Smile ID callback failed');
    }
  }
}
