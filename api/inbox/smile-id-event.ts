import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../activities/store/db.js';
import type { KycResultRef } from '../../workflows/messages.js';

/** A Smile ID job callback (SPEC §5): signed, correlated by `PartnerParams.job_id`. */
export const kycCallbackSchema = z.looseObject({
  signature: z.string().min(1).max(200),
  timestamp: z.string().min(1).max(64),
  ResultCode: z.union([z.string(), z.number()]).transform(String),
  PartnerParams: z.looseObject({ job_id: z.string().min(1).max(200), user_id: z.string().max(200).optional() }),
});

/** Valid when signature = base64(HMAC-SHA256(apiKey, timestamp + partnerId + "sid_request")), compared in constant time. */
export function validKycSignature(body: { signature: string; timestamp: string }, partnerId: string, apiKey: string): boolean {
  const expected = createHmac('sha256', apiKey).update(body.timestamp + partnerId + 'sid_request').digest();
  const presented = Buffer.from(body.signature, 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Job ids are `kyc-<first run id>` (activities/kyc): the run leads to its verification. */
export async function kycRefOf(sql: Db, eventId: string, body: unknown): Promise<{ workflowId: string; ref: KycResultRef } | undefined> {
  const parsed = kycCallbackSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const jobId = parsed.data.PartnerParams.job_id;
  const runId = jobId.startsWith('kyc-') ? jobId.slice(4) : undefined;
  if (!runId) return undefined;
  const [row] = await sql<{ verification_id: string }[]>`select verification_id from verifications where run_id = ${runId}`;
  if (!row) return undefined;
  return { workflowId: row.verification_id, ref: { eventId, jobId, resultCode: parsed.data.ResultCode, receivedAt: new Date().toISOString() } };
}
