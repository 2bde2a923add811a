import { afterEach, describe, expect, it } from 'vitest';
import { taskPayload } from '../../sandbox/webhooks/payload.js';
import * as journey from '../support/journeys.js';
import { useStack } from '../support/stack.js';
import { postWebhook, smileEvent } from '../support/webhooks.js';

const stack = useStack();
afterEach(() => journey.setFaults(stack, null));

type Section = { nextCursor: string | null; items: { id: string }[] };

describe('a TASK_FINISHED payload repeating an item id (SPEC §4)', () => {
  it('is stored and decided: the repeated item counts once', async () => {
    // The sandbox's own TASK_FINISHED is dropped; this test sends the same one with a repeated item.
    await journey.setFaults(stack, { dropEventTypes: ['TASK_FINISHED'] });
    const { started } = await journey.startAndConnect(stack, 'duplicated-ids', journey.SANDBOX_USERS.george, {
      policy: { connectTimeout: '2m', dataTimeout: '10m' },
    });
    const connected = await journey.waitForStatus(stack, started.verificationId, (doc) => doc.accounts.length > 0);
    const account = connected.accounts[0]!;

    const payload = taskPayload(stack.sandbox.sandboxState, account.accountId);
    for (const key of ['employments', 'contributions']) {
      const section = payload[key] as Section;
      section.items.push({ ...section.items[0]! });
    }
    const event = smileEvent('TASK_FINISHED', {
      userId: started.smileUserId,
      sourceId: account.accountId,
      sourceType: 'ACCOUNT',
      taskType: 'LINK_ACCOUNT',
      providers: [account.providerId],
      status: 'SUCCEEDED',
      datapoints: ['IDENTITIES', 'EMPLOYMENTS', 'CONTRIBUTIONS'],
      payload,
    });
    expect((await postWebhook(stack.app, event)).statusCode).toBe(200);

    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    const employments = (payload.employments as Section).items;
    const [row] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from datapoints where smile_user_id = ${started.smileUserId} and kind = 'employments'`;
    expect(row?.n).toBe(new Set(employments.map((item) => item.id)).size);
  });
});
