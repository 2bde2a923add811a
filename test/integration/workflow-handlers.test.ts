import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { delayingProxy } from '../support/delaying-proxy.js';
import { saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { auth, smileSandboxRequest, startStack, type Stack } from '../support/stack.js';

/**
 * Signal handlers only record (SPEC §6): a token refresh that fails never fails
 * the run, and messages that come before the run is ready for them are kept.
 * The Smile API and the KYC provider are reached through a proxy that can hold
 * an answer back, so a webhook or callback arrives while the call that
 * precedes it is still running.
 */
let stack: Stack;
let held: string | undefined;
let holdMs = 6_000;
let holdOnce = false;
const proxy = await delayingProxy((method, path) => {
  if (!held || !`${method} ${path}`.startsWith(held)) return 0;
  if (holdOnce) held = undefined;
  return holdMs;
});
beforeAll(async () => {
  stack = await startStack({ SMILE_API_URL: `${proxy.url}/v1`, SMILE_ID_URL: `${proxy.url}/smile-id/v1` });
  proxy.target = stack.sandboxUrl;
});
afterEach(async () => {
  held = undefined;
  holdMs = 6_000;
  holdOnce = false;
  await journey.setFaults(stack, null);
});
afterAll(async () => {
  await stack?.close();
  await proxy.close();
});

const george = { fullName: journey.SANDBOX_USERS.george.fullName };
const handle = (id: string) => stack.client.workflow.getHandle(id);
const post = (url: string, payload?: object) => stack.app.inject({ method: 'POST', url, headers: auth, payload });

/** Waits until the run's history holds an event that `found` picks. */
async function untilHistory(id: string, found: (event: Record<string, unknown>) => boolean, runId?: string) {
  for (let i = 0; i < 120; i++) {
    const { events } = await stack.client.workflow.getHandle(id, runId).fetchHistory();
    if ((events ?? []).some((event) => found(event as Record<string, unknown>))) return;
    await sleep(250);
  }
  throw new Error(`no such event in the history of ${id}`);
}

describe('a token refresh that Smile refuses', () => {
  it("on a new user's start (the user's token lives 3 s): 201 with that token, or a 502 that says Smile failed; never 409, and the run goes on", async () => {
    await journey.setFaults(stack, { tokenTtlSeconds: 3, failTokenRefresh: true });
    const externalUserId = journey.uniqueUser('refused-start');
    const response = await post('/v1/verifications', { externalUserId, applicant: george });
    expect(response.statusCode, response.body).not.toBe(409);
    if (response.statusCode === 201) {
      expect(response.json()).toMatchObject({ verificationId: `verification-${externalUserId}`, link: {} });
    } else {
      expect(response.statusCode).toBe(502);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        status: 502,
        title: 'Bad gateway',
        detail: expect.stringMatching(/Smile/),
      });
    }
    expect((await handle(`verification-${externalUserId}`).describe()).status.name).toBe('RUNNING');
    await handle(`verification-${externalUserId}`).cancel();
  });

  it('asked by onTokenExpired: the run keeps going, link-token is a 502, and it completes once Smile issues tokens again', async () => {
    await journey.setFaults(stack, { tokenTtlSeconds: 120 });
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('refused-refresh'),
      applicant: george,
      policy: { connectTimeout: '5m', dataTimeout: '1m' },
    });
    await journey.setFaults(stack, { failTokenRefresh: true });
    const widget = await post(`/v1/verifications/${started.verificationId}/widget-events`, {
      callback: 'onTokenExpired',
      data: {},
    });
    expect(widget.statusCode).toBe(202);
    await untilHistory(
      started.verificationId,
      (event) =>
        event.activityTaskFailedEventAttributes !== undefined ||
        event.workflowExecutionFailedEventAttributes !== undefined,
    );
    expect((await handle(started.verificationId).describe()).status.name).toBe('RUNNING');

    const refused = await post(`/v1/verifications/${started.verificationId}/link-token`);
    expect(refused.statusCode).toBe(502);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await handle(started.verificationId).describe()).status.name).toBe('RUNNING');

    await journey.setFaults(stack, null);
    const fresh = await post(`/v1/verifications/${started.verificationId}/link-token`);
    expect(fresh.statusCode).toBe(200);
    await journey.connect(stack, fresh.json().userToken, journey.SANDBOX_USERS.george);
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    await saveHistory('token-refresh-refused', handle(started.verificationId));
  });
});

describe('messages that come early', () => {
  it('a KYC callback that arrives while the job is being submitted counts (once job_status confirms it)', async () => {
    held = 'POST /smile-id/v1/jobs';
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('early-kyc'),
      applicant: george,
      // Were the callback lost, the run would wait the whole callbackTimeout.
      policy: {
        connectTimeout: '5m',
        dataTimeout: '1m',
        kyc: { enabled: true, callbackTimeout: '10m', maxWait: '20m' },
      },
    });
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', kyc: { status: 'APPROVED', resultCode: '1012' } });
    expect(doc.decision?.outcome).toBe('APPROVED');
    await saveHistory('kyc-early-callback', handle(started.verificationId));
  });

  it('Smile events that arrive before the run knows its Smile user count once it does', async () => {
    const externalUserId = journey.uniqueUser('early-events');
    // A first verification makes the Smile user; its link token stays valid after that run ends.
    const first = await journey.startVerification(stack, { externalUserId, policy: { connectTimeout: '5m' } });
    await post(`/v1/verifications/${first.verificationId}/cancel`);
    await handle(first.verificationId).result();
    const { runId: firstRunId } = await handle(first.verificationId).describe();

    // The second run asks Smile for a token for that user; while it waits for the answer, the user links.
    held = 'POST /v1/tokens';
    const second = journey.startVerification(stack, {
      externalUserId,
      applicant: george,
      policy: { connectTimeout: '10m', dataTimeout: '10m' },
    });
    let runId = firstRunId;
    for (let i = 0; i < 120 && runId === firstRunId; i++, await sleep(250))
      runId = (await handle(first.verificationId).describe()).runId;
    await untilHistory(
      first.verificationId,
      (event) => {
        const scheduled = event.activityTaskScheduledEventAttributes as
          { activityType?: { name?: string } } | undefined;
        return scheduled?.activityType?.name === 'issueLinkToken';
      },
      runId,
    );
    await journey.connect(stack, first.link.userToken, journey.SANDBOX_USERS.george);
    const { verificationId } = await second;
    const doc = await journey.waitUntilClosed(stack, verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
  });
});

describe('creating the Smile user', () => {
  it('happens once, even when Smile answered after the client gave up and the activity was retried', async () => {
    const users = async () =>
      ((await smileSandboxRequest(stack.sandboxUrl, 'GET', '/v1/users?size=150')) as { items: unknown[] }).items.length;
    const before = await users();
    // Longer than the client's 10 s timeout: the first attempt fails, Smile has made the user all the same.
    held = 'POST /v1/users';
    holdMs = 10_500;
    holdOnce = true;
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('create-once'),
      policy: { connectTimeout: '5m' },
    });
    expect(await users()).toBe(before + 1);
    const { events } = await handle(started.verificationId).fetchHistory();
    const attempts = events?.find((event) => event.activityTaskStartedEventAttributes)
      ?.activityTaskStartedEventAttributes?.attempt;
    expect(attempts).toBeGreaterThan(1);
  }, 90_000);
});
