import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import * as journey from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';
import { activityTypes, saveHistory } from '../support/history.js';

const stack = useStack();
afterEach(() => journey.setFaults(stack, null));

const policy = { connectTimeout: '30s', dataTimeout: '20s' };

async function activityCount(id: string, activityType: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(id).fetchHistory();
  return activityTypes(history.events ?? []).filter((type) => type === activityType).length;
}

describe('when webhooks misbehave', () => {
  it('TASK_FINISHED dropped → decided from the Smile API after dataTimeout', async () => {
    await journey.setFaults(stack, { dropEventTypes: ['TASK_FINISHED'] });
    const { started } = await journey.startAndConnect(stack, 'dropped', journey.SANDBOX_USERS.george, {
      policy: { ...policy, dataTimeout: '3s' },
    });
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc.decision?.outcome).toBe('APPROVED');
    expect(await activityCount(started.verificationId, 'fetchAndStoreDatapoints')).toBe(1);
    await saveHistory('polling-fallback', stack.client.workflow.getHandle(started.verificationId));
  });

  it('events duplicated and reordered → the same outcome, one effect each', async () => {
    await journey.setFaults(stack, { duplicateEvents: true, reorderEvents: true });
    const { started } = await journey.startAndConnect(stack, 'shuffled', journey.SANDBOX_USERS.george, { policy });
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc.decision?.outcome).toBe('APPROVED');
    expect(doc.accounts).toHaveLength(1);
    expect(await activityCount(started.verificationId, 'evaluateVerification')).toBe(1);
    const collected =
      (await activityCount(started.verificationId, 'storeTaskPayload')) +
      (await activityCount(started.verificationId, 'fetchAndStoreDatapoints'));
    expect(collected).toBe(1);
  });
});

describe('a lost ACCOUNT_CONNECTED', () => {
  it("the widget says connected → confirmed with Smile's account list → decided", async () => {
    await journey.setFaults(stack, { dropEventTypes: ['ACCOUNT_CONNECTED'] });
    const { started, connected } = await journey.startAndConnect(stack, 'confirmed', journey.SANDBOX_USERS.george, {
      policy,
    });
    expect(connected.status).toBe(200);
    // TASK_FINISHED arrived, but without ACCOUNT_CONNECTED the workflow still waits for a connection.
    await sleep(500);
    expect((await journey.getStatus(stack, started.verificationId)).status).toBe('AWAITING_CONNECTION');

    // The front end forwards the widget's callback, as the demo page does.
    const { account } = (connected.body as { data: { account: { id: string; providerId: string } } }).data;
    const widget = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/widget-events`,
      headers: auth,
      payload: { callback: 'onAccountConnected', data: { accountId: account.id, providerId: account.providerId } },
    });
    expect(widget.statusCode).toBe(202);
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    expect(doc.accounts).toEqual([expect.objectContaining({ accountId: account.id, status: 'CONNECTED' })]);
    expect(await activityCount(started.verificationId, 'connectedAccounts')).toBe(1);
    await saveHistory('widget-confirmed', stack.client.workflow.getHandle(started.verificationId));
  });
});

describe('link tokens', () => {
  it('an expired token → link-token returns a fresh one; onTokenExpired refreshes', async () => {
    await journey.setFaults(stack, { tokenTtlSeconds: 1 });
    const started = await journey.startVerification(stack, { externalUserId: journey.uniqueUser('token'), policy });
    await sleep(1_500);
    const expired = await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    expect(expired.status).toBe(401);

    const beforeRoute = await activityCount(started.verificationId, 'refreshLinkToken');
    const fresh = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/link-token`,
      headers: auth,
    });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().userToken).not.toBe(started.link.userToken);
    expect(Date.parse(fresh.json().expiresAt)).toBeGreaterThan(Date.parse(started.link.expiresAt));
    const refreshesBefore = await activityCount(started.verificationId, 'refreshLinkToken');
    expect(refreshesBefore).toBe(beforeRoute + 1);

    const widget = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/widget-events`,
      headers: auth,
      payload: { callback: 'onTokenExpired', data: {} },
    });
    expect(widget.statusCode).toBe(202);
    for (
      let i = 0;
      i < 40 && (await activityCount(started.verificationId, 'refreshLinkToken')) === refreshesBefore;
      i++
    )
      await sleep(250);
    expect(await activityCount(started.verificationId, 'refreshLinkToken')).toBe(refreshesBefore + 1);
    await saveHistory('token-refresh', stack.client.workflow.getHandle(started.verificationId));
  });
});

describe('cancellation', () => {
  it('cancel → CANCELLED after cleanup; a second cancel → 409', async () => {
    const started = await journey.startVerification(stack, { externalUserId: journey.uniqueUser('cancel'), policy });
    const cancel = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/cancel`,
      headers: auth,
    });
    expect(cancel.statusCode).toBe(202);
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc.status).toBe('CANCELLED');
    await stack.client.workflow.getHandle(started.verificationId).result();
    const again = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/cancel`,
      headers: auth,
    });
    expect(again.statusCode).toBe(409);
    await saveHistory('cancelled', stack.client.workflow.getHandle(started.verificationId));
  });
});

describe('a storm of widget events', () => {
  it('3,000 UI events keep every run history under 4,096 events', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('storm'),
      policy: { connectTimeout: '10m' },
    });
    await journey.widgetEventStorm(stack, started.verificationId, 3000);
    expect((await journey.getStatus(stack, started.verificationId)).status).toBe('AWAITING_CONNECTION');
    // Every run of the chain, each with its own history (visibility may lag, more so on a loaded machine).
    let runs: { runId: string; status: string }[] = [];
    for (let i = 0; i < 120 && runs.length < 2; i++, await sleep(250)) {
      runs = [];
      for await (const run of stack.client.workflow.list({ query: `WorkflowId = "${started.verificationId}"` })) {
        runs.push({ runId: run.runId, status: run.status.name });
      }
    }
    expect(runs.length).toBeGreaterThan(1); // it continued as new
    expect(runs.filter((run) => run.status === 'RUNNING')).toHaveLength(1);
    for (const run of runs) {
      const history = await stack.client.workflow.getHandle(started.verificationId, run.runId).fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(4_096);
    }
  });
});

describe('KYC jobs', () => {
  const kycPolicy = (kyc: Record<string, unknown>) => ({ ...policy, kyc: { enabled: true, ...kyc } });

  it('takes the result from the signed callback', async () => {
    const { started } = await journey.startAndConnect(stack, 'kyc-callback', journey.SANDBOX_USERS.george, {
      policy: kycPolicy({ callbackTimeout: '30s' }),
    });
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc.kyc).toMatchObject({ status: 'APPROVED', resultCode: '1012' });
    expect(doc.decision?.outcome).toBe('APPROVED');
    // The callback counts once job_status confirms it: one request.
    expect(await activityCount(started.verificationId, 'kycJobResult')).toBe(1);
    await saveHistory('kyc-callback', stack.client.workflow.getHandle(started.verificationId));
  });

  it('polls job_status when the callback never comes, and a rejection declines', async () => {
    await journey.setFaults(stack, { dropKycCallbacks: true, kycResultCode: '1022' });
    const { started } = await journey.startAndConnect(stack, 'kyc-polling', journey.SANDBOX_USERS.george, {
      policy: kycPolicy({ callbackTimeout: '2s', maxWait: '1m' }),
    });
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc.kyc).toMatchObject({ status: 'REJECTED', resultCode: '1022' });
    expect(doc.decision?.outcome).toBe('DECLINED');
    expect(doc.decision?.reasons.map((r) => r.code)).toContain('KYC_FAILED');
    // job_status is polled by one activity whose retries are the polling: one completion in history.
    expect(await activityCount(started.verificationId, 'kycJobResult')).toBe(1);
    await saveHistory('kyc-polling', stack.client.workflow.getHandle(started.verificationId));
  });
});
