import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { activityTypes, saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { auth, smileSandboxRequest, useStack } from '../support/stack.js';

/** Bounded waits (SPEC §6): policies within bounds, connections confirmed by Smile, continued runs that resume. */
const stack = useStack();
afterEach(() => journey.setFaults(stack, null));

const handle = (id: string, runId?: string) => stack.client.workflow.getHandle(id, runId);

describe('policy durations', () => {
  it.each([
    [{ kyc: { enabled: true, callbackTimeout: '0s' } }, 'body.policy.kyc.callbackTimeout'],
    [{ kyc: { enabled: true, maxWait: '8d' } }, 'body.policy.kyc.maxWait'],
    [{ connectTimeout: '999d' }, 'body.policy.connectTimeout'],
    [{ connectionCheckInterval: '1s' }, 'body.policy.connectionCheckInterval'],
  ])('out of bounds → a 400 problem naming the field: %j', async (policy, path) => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: auth,
      payload: { externalUserId: journey.uniqueUser('bounds'), policy },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors.map((error: { path: string }) => error.path)).toEqual([path]);
  });
});

describe('a lost ACCOUNT_CONNECTED and a lost TASK_FINISHED, and no widget events', () => {
  it("Smile's account list confirms the connection, the data is fetched at dataTimeout → APPROVED", async () => {
    await journey.setFaults(stack, { dropEventTypes: ['ACCOUNT_CONNECTED', 'TASK_FINISHED'] });
    const { started, connected } = await journey.startAndConnect(stack, 'checked', journey.SANDBOX_USERS.george, {
      policy: { connectTimeout: '5m', connectionCheckInterval: '10s', dataTimeout: '5s' },
    });
    expect(connected.status).toBe(200);
    const doc = await journey.waitUntilClosed(stack, started.verificationId, 60_000);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    expect(doc.accounts).toEqual([expect.objectContaining({ status: 'CONNECTED' })]);
    const history = await handle(started.verificationId).fetchHistory();
    expect(activityTypes(history.events ?? [])).toContain('connectedAccounts');
    await saveHistory('connection-check', handle(started.verificationId));
  });
});

describe('a disconnect before the data arrived', () => {
  it('goes back to waiting for a connection; a reconnect → APPROVED', async () => {
    await journey.setFaults(stack, { dropEventTypes: ['TASK_FINISHED'] });
    const { started, connected: first } = await journey.startAndConnect(
      stack,
      'reconnect',
      journey.SANDBOX_USERS.george,
      { policy: { connectTimeout: '5m', dataTimeout: '5m' } },
    );
    await journey.waitForStatus(stack, started.verificationId, (doc) => doc.status === 'AWAITING_DATA');
    const { account } = (first.body as { data: { account: { id: string } } }).data;
    await smileSandboxRequest(stack.sandboxUrl, 'DELETE', `/v1/accounts/${account.id}`);
    const waiting = await journey.waitForStatus(
      stack,
      started.verificationId,
      (doc) => doc.status === 'AWAITING_CONNECTION',
    );
    expect(waiting.status).toBe('AWAITING_CONNECTION');

    await journey.setFaults(stack, null);
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    await saveHistory('disconnect-reconnect', handle(started.verificationId));
  });
});

/** The values a run's history upserted for VerificationStatus, in order. */
async function statusUpserts(id: string, runId: string): Promise<string[]> {
  const { events } = await handle(id, runId).fetchHistory();
  return (events ?? []).flatMap((event) => {
    const field =
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.VerificationStatus;
    return field?.data ? [JSON.parse(Buffer.from(field.data).toString()) as string] : [];
  });
}

describe('continue-as-new while waiting for data', () => {
  it('the continued run goes on waiting for data: no AWAITING_CONNECTION again', async () => {
    await journey.setFaults(stack, { dropEventTypes: ['TASK_FINISHED'] });
    const { started } = await journey.startAndConnect(stack, 'storm-sync', journey.SANDBOX_USERS.george, {
      policy: { connectTimeout: '5m', dataTimeout: '40s' },
    });
    expect(
      (await journey.waitForStatus(stack, started.verificationId, (doc) => doc.status === 'AWAITING_DATA')).status,
    ).toBe('AWAITING_DATA');
    const { runId: firstRunId } = await handle(started.verificationId).describe();
    await journey.widgetEventStorm(stack, started.verificationId, 2500);
    let runId = firstRunId;
    for (let i = 0; i < 40 && runId === firstRunId; i++, await sleep(250))
      runId = (await handle(started.verificationId).describe()).runId;
    expect(runId).not.toBe(firstRunId); // it continued as new
    expect((await journey.getStatus(stack, started.verificationId)).status).toBe('AWAITING_DATA');

    const doc = await journey.waitUntilClosed(stack, started.verificationId, 90_000);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    // The document is stored during the last workflow task; its upserts are in history once the run has closed.
    await handle(started.verificationId).result();
    const { runId: lastRunId } = await handle(started.verificationId).describe();
    const upserts = await statusUpserts(started.verificationId, lastRunId);
    expect(upserts).not.toContain('AWAITING_CONNECTION');
    expect(upserts).toContain('COMPLETED');
    await saveHistory('continued-while-syncing-first-run', handle(started.verificationId, firstRunId));
    await saveHistory('continued-while-syncing', handle(started.verificationId, lastRunId));
  });
});
