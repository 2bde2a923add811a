import { z } from 'zod';

/** The shapes of what Smile and Smile ID post to us: webhooks (tag-webhooks.md) and KYC callbacks. */

/** The webhook envelope (tag-webhooks.md): strict on what routing needs, open to what Smile adds. */
export const webhookEnvelopeSchema = z.looseObject({
  id: z.string().min(1).max(200),
  version: z.number().int().optional(),
  type: z.string().min(1).max(100),
  createdAt: z.string().min(1).max(64),
  data: z.looseObject({ userId: z.string().min(1).max(200).optional() }),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/** A Smile ID job callback: signed, correlated by `PartnerParams.job_id`. */
export const kycCallbackSchema = z.looseObject({
  signature: z.string().min(1).max(200),
  timestamp: z.string().min(1).max(64),
  ResultCode: z.union([z.string(), z.number()]).transform(String),
  PartnerParams: z.looseObject({ job_id: z.string().min(1).max(200), user_id: z.string().max(200).optional() }),
});
export type KycCallback = z.infer<typeof kycCallbackSchema>;

/** The seed guide spells some datapoint events in the singular; the spec's names are canonical. */
const SPELLINGS: Record<string, string> = {
  IDENTITIES_ADDED: 'IDENTITY_ADDED',
  EMPLOYMENT_ADDED: 'EMPLOYMENTS_ADDED',
  CONTRIBUTION_ADDED: 'CONTRIBUTIONS_ADDED',
  INCOME_ADDED: 'INCOMES_ADDED',
  EINCOME_ADDED: 'EINCOMES_ADDED',
  TRANSACTION_ADDED: 'TRANSACTIONS_ADDED',
  DOCUMENT_ADDED: 'DOCUMENTS_ADDED',
  LIABILITY_ADDED: 'LIABILITIES_ADDED',
  EMPLOYMENT_UPDATED: 'EMPLOYMENTS_UPDATED',
  CONTRIBUTION_UPDATED: 'CONTRIBUTIONS_UPDATED',
  INCOME_UPDATED: 'INCOMES_UPDATED',
};
export const normaliseEventType = (type: string) => SPELLINGS[type.toUpperCase()] ?? type.toUpperCase();

/** `datapoints`, or `dataPoints` as Smile's own ACCOUNT_SYNC_TASK_FINISHED example spells it. */
export function datapointsOf(data: Record<string, unknown>): string[] | null {
  const list = Array.isArray(data.datapoints)
    ? data.datapoints
    : Array.isArray(data.dataPoints)
      ? data.dataPoints
      : null;
  return list && list.filter((d): d is string => typeof d === 'string');
}
