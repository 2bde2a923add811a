import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.js';
import { postWebhook, smileEvent } from '../support/webhooks.js';

const spec = parse(
  readFileSync(fileURLToPath(new URL('../fixtures/sandbox/openapi-v1.yaml', import.meta.url)), 'utf8'),
) as {
  components: { schemas: { RefWebhookEventType: { enum: string[] } } };
};
const SPEC_EVENT_TYPES = spec.components.schemas.RefWebhookEventType.enum;

const stack = useStack();

const storedType = async (id: string) =>
  (await stack.sql<{ type: string }[]>`select type from inbox_events where id = ${id}`)[0]?.type;

describe('POST /webhooks/smile accepts every event type', () => {
  it.each(SPEC_EVENT_TYPES)('%s (RefWebhookEventType), signed → 200 and stored under that type', async (type) => {
    const event = smileEvent(type, { userId: 'tenantId-unknown-user' });
    const response = await postWebhook(stack.app, event);
    expect(response.statusCode).toBe(200);
    expect(await storedType(event.id)).toBe(type);
  });

  it.each([
    ['EMPLOYMENT_ADDED', 'EMPLOYMENTS_ADDED'],
    ['CONTRIBUTION_ADDED', 'CONTRIBUTIONS_ADDED'],
    ['INCOME_ADDED', 'INCOMES_ADDED'],
    ['IDENTITIES_ADDED', 'IDENTITY_ADDED'],
    ['A_FUTURE_EVENT', 'A_FUTURE_EVENT'],
  ])('%s → 200, stored as %s', async (sent, stored) => {
    const event = smileEvent(sent, { userId: 'tenantId-unknown-user' });
    expect((await postWebhook(stack.app, event)).statusCode).toBe(200);
    expect(await storedType(event.id)).toBe(stored);
  });
});
