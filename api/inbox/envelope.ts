import { z } from 'zod';
import type { InboxEvent, NewInboxEvent } from '../../db/inbox.js';
import type { KycResultRef, SmileEventRef } from '../../workflows/messages.js';

/** The webhook envelope (tag-webhooks.md): strict on what routing needs, open to what Smile adds. */
export const envelopeSchema = z.looseObject({
  id: z.string().min(1).max(200),
  version: z.number().int().optional(),
  type: z.string().min(1).max(100),
  createdAt: z.string().min(1).max(64),
  data: z.looseObject({ userId: z.string().min(1).max(200).optional() }),
});
export type Envelope = z.infer<typeof envelopeSchema>;

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

const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

/** `datapoints`, or `dataPoints` as Smile's own ACCOUNT_SYNC_TASK_FINISHED example spells it. */
function datapointsOf(data: Record<string, unknown>): string[] | null {
  const list = Array.isArray(data.datapoints)
    ? data.datapoints
    : Array.isArray(data.dataPoints)
      ? data.dataPoints
      : null;
  return list && list.filter((d): d is string => typeof d === 'string');
}

/** What the inbox keeps of a Smile webhook besides its body: parsed here, once, at the route. */
export function smileInboxEvent(envelope: Envelope): NewInboxEvent {
  const data = envelope.data as Record<string, unknown>;
  const providers = Array.isArray(data.providers) ? data.providers : [];
  const payload = data.payload;
  return {
    id: envelope.id,
    source: 'smile',
    type: normaliseEventType(envelope.type),
    smileUserId: str(data.userId),
    accountId: str(data.accountId) ?? str(data.sourceId) ?? str(data.archiveId),
    providerId: str(data.providerId) ?? str(providers[0]),
    sourceType: str(data.sourceType),
    errorCode: str(data.errorCode),
    datapoints: datapointsOf(data),
    taskStatus: str(data.status),
    hasPayload: typeof payload === 'object' && payload !== null && Object.keys(payload).length > 0,
    eventCreatedAt: envelope.createdAt,
    jobId: null,
    resultCode: null,
  };
}

/** A KYC callback's inbox columns; its id is unique per job and result, so a redelivery is a duplicate. */
export function kycInboxEvent(callback: KycCallback): NewInboxEvent {
  const jobId = callback.PartnerParams.job_id;
  return {
    id: `sid-${jobId}-${callback.ResultCode}`,
    source: 'smile-id',
    type: 'KYC_RESULT',
    smileUserId: callback.PartnerParams.user_id ?? null,
    accountId: null,
    providerId: null,
    sourceType: null,
    errorCode: null,
    datapoints: null,
    taskStatus: null,
    hasPayload: false,
    eventCreatedAt: null,
    jobId,
    resultCode: callback.ResultCode,
  };
}

/** The claim check the workflow receives: what happened to whom, never the data itself. */
export function smileEventRef(event: InboxEvent): SmileEventRef | undefined {
  if (!event.smileUserId) return undefined;
  return {
    eventId: event.id,
    type: event.type,
    smileUserId: event.smileUserId,
    hasPayload: event.hasPayload,
    createdAt: event.eventCreatedAt ?? event.receivedAt.toISOString(),
    ...(event.accountId ? { accountId: event.accountId } : {}),
    ...(event.providerId ? { providerId: event.providerId } : {}),
    ...(event.errorCode ? { errorCode: event.errorCode } : {}),
    ...(event.sourceType ? { sourceType: event.sourceType } : {}),
    ...(event.datapoints ? { datapoints: event.datapoints } : {}),
    ...(event.taskStatus ? { status: event.taskStatus } : {}),
  };
}

export function kycResultRef(event: InboxEvent): KycResultRef | undefined {
  if (!event.jobId || event.resultCode === null) return undefined;
  return {
    eventId: event.id,
    jobId: event.jobId,
    resultCode: event.resultCode,
    receivedAt: event.receivedAt.toISOString(),
  };
}
