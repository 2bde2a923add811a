import type { InboxEvent, NewInboxEvent } from '../../db/inbox.js';
import { datapointsOf, normaliseEventType, type KycCallback, type WebhookEnvelope } from '../../smile/webhooks.js';
import type { KycResultRef, SmileEventRef } from '../../workflows/messages.js';

const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

/** What the inbox keeps of a Smile webhook besides its body: parsed here, once, at the route. */
export function smileInboxEvent(envelope: WebhookEnvelope): NewInboxEvent {
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
