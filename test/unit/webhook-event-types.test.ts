import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { smileInboxEvent } from '../../db/inbox.js';
import { smileEventRef } from '../../api/webhooks/deliver.js';
import { webhookEnvelopeSchema, normaliseEventType, type WebhookEnvelope } from '../../smile/webhooks.js';

/** The claim check the route's parse leads to: the inbox columns, then the reference built from them. */
const RECEIVED_AT = new Date('2025-01-01T00:00:01.250Z');
const toEventRef = (envelope: WebhookEnvelope) =>
  smileEventRef({ ...smileInboxEvent(envelope), receivedAt: RECEIVED_AT });

/** RefWebhookEventType from Smile's OpenAPI spec (the repository's copy of openapi-v1.yaml). */
const spec = parse(
  readFileSync(fileURLToPath(new URL('../fixtures/sandbox/openapi-v1.yaml', import.meta.url)), 'utf8'),
) as {
  components: { schemas: { RefWebhookEventType: { enum: string[] } } };
};
const SPEC_EVENT_TYPES = spec.components.schemas.RefWebhookEventType.enum;

describe('webhook event types', () => {
  it('reads the spec enum', () => {
    expect(SPEC_EVENT_TYPES).toContain('EMPLOYMENTS_ADDED');
    expect(SPEC_EVENT_TYPES.length).toBeGreaterThan(30);
  });

  it('keeps every spec type as it is', () => {
    for (const type of SPEC_EVENT_TYPES) expect(normaliseEventType(type)).toBe(type);
  });

  it.each([
    ['EMPLOYMENT_ADDED', 'EMPLOYMENTS_ADDED'],
    ['CONTRIBUTION_ADDED', 'CONTRIBUTIONS_ADDED'],
    ['INCOME_ADDED', 'INCOMES_ADDED'],
    ['IDENTITIES_ADDED', 'IDENTITY_ADDED'],
    ['EINCOME_ADDED', 'EINCOMES_ADDED'],
    ['TRANSACTION_ADDED', 'TRANSACTIONS_ADDED'],
    ['DOCUMENT_ADDED', 'DOCUMENTS_ADDED'],
    ['LIABILITY_ADDED', 'LIABILITIES_ADDED'],
    ['employments_added', 'EMPLOYMENTS_ADDED'],
  ])('normalises the seed spelling %s to %s, a spec type', (seed, spec) => {
    expect(normaliseEventType(seed)).toBe(spec);
    expect(SPEC_EVENT_TYPES).toContain(spec);
  });

  it('accepts an unknown future type in the envelope, kept as sent (upper-cased)', () => {
    const envelope = webhookEnvelopeSchema.parse({
      id: 'et-1',
      version: 1,
      type: 'SOMETHING_NEW',
      createdAt: '2025-01-01T00:00:00Z',
      data: { userId: 'u-1' },
    });
    expect(toEventRef(envelope)?.type).toBe('SOMETHING_NEW');
  });

  it('builds a claim check: ids, codes and datapoints, never the payload', () => {
    const envelope = webhookEnvelopeSchema.parse({
      id: 'et-2',
      version: 1,
      type: 'EMPLOYMENT_ADDED',
      createdAt: '2025-01-01T00:00:00Z',
      data: {
        userId: 'u-1',
        sourceId: 'acc-9',
        providers: ['p-1'],
        sourceType: 'ACCOUNT',
        datapoints: ['employments', 7],
        errorCode: 'X1',
        payload: { employments: [{ employer: 'Secret Corp' }] },
      },
    });
    const ref = toEventRef(envelope);
    expect(ref).toEqual({
      eventId: 'et-2',
      type: 'EMPLOYMENTS_ADDED',
      smileUserId: 'u-1',
      accountId: 'acc-9',
      providerId: 'p-1',
      sourceType: 'ACCOUNT',
      datapoints: ['employments'],
      errorCode: 'X1',
      hasPayload: true,
      createdAt: '2025-01-01T00:00:00Z',
      receivedAt: '2025-01-01T00:00:01.250Z',
    });
    expect(JSON.stringify(ref)).not.toContain('Secret Corp');
    expect(
      toEventRef(webhookEnvelopeSchema.parse({ ...envelope, data: { userId: 'u-1', payload: {} } }))?.hasPayload,
    ).toBe(false);
    expect(toEventRef(webhookEnvelopeSchema.parse({ ...envelope, data: {} }))).toBeUndefined();
  });

  it("reads both spellings of the datapoints list, and a task's status", () => {
    const sync = (data: Record<string, unknown>) =>
      toEventRef(
        webhookEnvelopeSchema.parse({
          id: 'et-3',
          type: 'ACCOUNT_SYNC_TASK_FINISHED',
          createdAt: '2025-01-01T00:00:00Z',
          data: { userId: 'u-1', sourceId: 'a-1', ...data },
        }),
      );
    expect(sync({ status: 'SUCCEEDED', dataPoints: ['IDENTITIES', 'INCOMES'] })).toMatchObject({
      status: 'SUCCEEDED',
      datapoints: ['IDENTITIES', 'INCOMES'],
    });
    expect(sync({ status: 'FAILED', datapoints: ['EMPLOYMENTS'] })).toMatchObject({
      status: 'FAILED',
      datapoints: ['EMPLOYMENTS'],
    });
  });
});
