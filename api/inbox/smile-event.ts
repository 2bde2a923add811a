import { z } from 'zod';
import type { SmileEventRef } from '../../workflows/messages.js';

/** The webhook envelope (tag-webhooks.md): strict on what routing needs, open to what Smile adds. */
export const envelopeSchema = z.looseObject({
  id: z.string().min(1).max(200),
  version: z.number().int().optional(),
  type: z.string().min(1).max(100),
  createdAt: z.string().min(1).max(64),
  data: z.looseObject({ userId: z.string().min(1).max(200).optional() }),
});
export type Envelope = z.infer<typeof envelopeSchema>;

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

const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The claim check the workflow receives: what happened to whom, never the data itself. */
export function toEventRef(envelope: Envelope): SmileEventRef | undefined {
  const data = envelope.data as Record<string, unknown>;
  const smileUserId = str(data.userId);
  if (!smileUserId) return undefined;
  const payload = data.payload;
  const providers = Array.isArray(data.providers) ? data.providers : [];
  const datapoints = Array.isArray(data.datapoints) ? data.datapoints.filter((d): d is string => typeof d === 'string') : undefined;
  const ref: SmileEventRef = {
    eventId: envelope.id,
    type: normaliseEventType(envelope.type),
    smileUserId,
    hasPayload: typeof payload === 'object' && payload !== null && Object.keys(payload).length > 0,
    createdAt: envelope.createdAt,
  };
  const accountId = str(data.accountId) ?? str(data.sourceId) ?? str(data.archiveId);
  const providerId = str(data.providerId) ?? str(providers[0]);
  const errorCode = str(data.errorCode);
  const sourceType = str(data.sourceType);
  return {
    ...ref,
    ...(accountId ? { accountId } : {}),
    ...(providerId ? { providerId } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(sourceType ? { sourceType } : {}),
    ...(datapoints ? { datapoints } : {}),
  };
}
