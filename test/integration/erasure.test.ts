import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.js';
import type { erasureWorkflow } from '../../workflows/erasure.js';
import type { StatusDocument } from '../../workflows/types.js';
import { ownDatabase, rowsContaining } from '../support/database.js';
import { saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { API_KEY, auth, smileSandboxRequest, startStack, type Stack } from '../support/stack.js';

/** DELETE /v1/verifications/:id/data (SPEC §10) end to end, in a database of its own (every table is scanned). */
let stack: Stack;
let database: Awaited<ReturnType<typeof ownDatabase>>;
let hook: CallbackReceiver;
const compliance = { authorization: 'Bearer compliance-secret-123' };
beforeAll(async () => {
  hook = await startCallbackReceiver();
  database = await ownDatabase('erasure');
  stack = await startStack({
    DATABASE_URL: database.url,
    API_KEYS: `${API_KEY},compliance:compliance-secret-123:data.erase,reader:reader-secret-123:verifications.read`,
  });
});
afterAll(async () => {
  await stack?.close();
  await database?.drop();
  await hook?.close();
});

const erase = (id: string) =>
  stack.app.inject({ method: 'DELETE', url: `/v1/verifications/${id}/data`, headers: compliance });

describe('erasure', () => {
  it("George's monitored verification: monitor ended, account revoked at Smile, no copy of his name anywhere, the decision kept", async () => {
    const externalUserId = journey.uniqueUser('erase-george');
    const started = await journey.startVerification(stack, {
      externalUserId,
      applicant: { fullName: journey.SANDBOX_USERS.george.fullName, email: 'george.palomero@example.com' },
      policy: { connectTimeout: '30s', dataTimeout: '20s', monitor: { enabled: true } },
      callbackUrl: hook.url,
      partnerParams: { contact: 'george.palomero@example.com' },
    });
    expect((await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george)).status).toBeLessThan(
      300,
    );
    const decided = await journey.waitUntilClosed(stack, started.verificationId);
    expect(decided.decision?.outcome).toBe('APPROVED');
    expect(decided.monitoring?.status).toBe('ACTIVE');
    // Monitoring runs in the workflow that decided.
    const monitor = stack.client.workflow.getHandle(started.verificationId);
    expect((await monitor.describe()).status.name).toBe('RUNNING');
    const accountId = decided.accounts[0]!.accountId;
    await waitForCallbackMessage(started.verificationId);
    const before = await rowsContaining(stack.sql, 'palomero');
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'datapoints',
        'verification_requests',
        'inbox_events',
        'decisions',
        'callback_messages',
        'verifications',
      ]),
    );

    const response = await erase(started.verificationId);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ verificationId: started.verificationId, status: 'ERASING' });
    const erased = await erasureResult(response.json().erasureId);
    expect(erased).toMatchObject({
      accountsRevoked: 1,
      applicants: 1,
      callbackMessages: 1,
      decisionEvidence: 1,
      verificationCancelled: false,
      monitorEnded: true,
    });
    expect(erased.datapoints).toBeGreaterThan(0);
    const finished = (await journey.getStatus(stack, started.verificationId)) as StatusDocument & { erasure?: unknown };
    expect(finished.erasure).toMatchObject({ status: 'ERASED', requestedAt: expect.any(String) });
    // Monitoring ended first (it would judge data that is gone), and said why.
    expect((await monitor.describe()).status.name).toBe('COMPLETED');
    expect((await journey.getStatus(stack, started.verificationId)).monitoring).toMatchObject({
      status: 'ENDED',
      endedReason: 'ERASED',
    });
    await saveHistory('erasure-completed', stack.client.workflow.getHandle(response.json().erasureId));

    // Revoked at Smile: the account is disconnected and its data gone there too.
    const account = (await smileSandboxRequest(stack.sandboxUrl, 'GET', `/v1/accounts/${accountId}`)) as {
      connectionStatus: string;
    };
    expect(account.connectionStatus).toBe('DISCONNECTED');
    const employments = await smileSandboxRequest(stack.sandboxUrl, 'GET', `/v1/employments?accountId=${accountId}`);
    expect((employments as { items: unknown[] }).items).toEqual([]);

    expect(await rowsContaining(stack.sql, 'palomero')).toEqual({});
    // The decision stays: in the status document and its row, with the evidence hash.
    const doc = await journey.getStatus(stack, started.verificationId);
    expect(doc.decision).toMatchObject({ outcome: 'APPROVED', evidenceHash: decided.decision!.evidenceHash });
    expect(doc.partnerParams).toBeUndefined();
    const [row] = await stack.sql`select outcome, evidence_hash, inputs from decisions where run_id =
      (select run_id from verifications where verification_id = ${started.verificationId})`;
    expect(row).toEqual({ outcome: 'APPROVED', evidence_hash: decided.decision!.evidenceHash, inputs: null });
    const report = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${started.verificationId}/report`,
      headers: auth,
    });
    expect(report.statusCode).toBe(410);
    const audit =
      await stack.sql`select action, key_name from audit_events where verification_id = ${started.verificationId}`;
    expect([...audit]).toEqual([{ action: 'erasure', key_name: 'compliance' }]);

    // Twice is fine: nothing left to remove, and a second erasures row says so.
    const again = await erase(started.verificationId);
    expect(again.statusCode).toBe(202);
    expect(await erasureResult(again.json().erasureId)).toMatchObject({
      datapoints: 0,
      applicants: 0,
      callbackMessages: 0,
      decisionEvidence: 0,
    });
    const erasures =
      await stack.sql`select key_name, kind from erasures where verification_id = ${started.verificationId}`;
    expect(erasures.map((row) => [row.key_name, row.kind])).toEqual([
      ['compliance', 'request'],
      ['compliance', 'request'],
    ]);
    expect(await rowsContaining(stack.sql, 'palomero')).toEqual({});
  });

  it('cancels a running verification and waits for it to close before erasing', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('erase-running'),
      applicant: { fullName: 'Erin Running-Erasure' },
      policy: { connectTimeout: '5m' },
    });
    const response = await erase(started.verificationId);
    expect(response.statusCode, response.body).toBe(202);
    expect(await erasureResult(response.json().erasureId)).toMatchObject({
      verificationCancelled: true,
      applicants: 1,
      accountsRevoked: 0,
    });
    const description = await stack.client.workflow.getHandle(started.verificationId).describe();
    expect(description.status.name).not.toBe('RUNNING');
    expect((await journey.getStatus(stack, started.verificationId)).status).toBe('CANCELLED');
    expect(await rowsContaining(stack.sql, 'running-erasure')).toEqual({});
    await saveHistory('erasure-running', stack.client.workflow.getHandle(response.json().erasureId));
  });

  it('a start during the erasure is 409 with Retry-After; a run started after it finished keeps its data', async () => {
    const externalUserId = journey.uniqueUser('erase-race');
    const first = await journey.startVerification(stack, {
      externalUserId,
      applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
      policy: { connectTimeout: '5m' },
    });
    const response = await erase(first.verificationId);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json().status).toBe('ERASING');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await stack.app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: auth,
      payload: { externalUserId, applicant: { fullName: journey.SANDBOX_USERS.george.fullName } },
    });
    // 409 while the erasure runs (cancelling the run takes its cleanup's time); once it finished, a clean start.
    if (during.statusCode === 409) {
      expect(during.headers['retry-after']).toMatch(/^\d+$/);
      expect(during.headers['content-type']).toContain('application/problem+json');
    } else expect(during.statusCode, during.body).toBe(201);
    await erasureResult(response.json().erasureId);

    const next =
      during.statusCode === 201
        ? (during.json() as Awaited<ReturnType<typeof journey.startVerification>>)
        : await journey.startVerification(stack, {
            externalUserId,
            applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
            policy: { connectTimeout: '1m', dataTimeout: '20s' },
          });
    expect((await journey.connect(stack, next.link.userToken, journey.SANDBOX_USERS.george)).status).toBeLessThan(300);
    const decided = await journey.waitUntilClosed(stack, next.verificationId);
    expect(decided.decision?.outcome).toBe('APPROVED');
    // Nothing erased it: its report is there, and its data too.
    const report = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${next.verificationId}/report`,
      headers: auth,
    });
    expect(report.statusCode, report.body).toBe(200);
    const [latest] = await stack.sql`select purged_at from verifications where verification_id = ${next.verificationId}
      order by created_at desc limit 1`;
    expect(latest?.purged_at).toBeNull();
    expect(Object.keys(await rowsContaining(stack.sql, 'palomero'))).toEqual(
      expect.arrayContaining(['datapoints', 'verification_requests']),
    );
  });

  it('is 404 for an unknown verification, 403 for a key without data.erase', async () => {
    expect((await erase('verification-nobody-here')).statusCode).toBe(404);
    const forbidden = await stack.app.inject({
      method: 'DELETE',
      url: '/v1/verifications/verification-nobody-here/data',
      headers: { authorization: 'Bearer reader-secret-123' },
    });
    expect(forbidden.statusCode).toBe(403);
  });
});

/** What the erasure workflow removed, once it finished. */
const erasureResult = (erasureId: string) =>
  stack.client.workflow.getHandle<typeof erasureWorkflow>(erasureId).result();

/** The result callback of a closed run stores its message body (callback_messages) on its first attempt. */
async function waitForCallbackMessage(verificationId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const doc: StatusDocument = await journey.getStatus(stack, verificationId);
    if (doc.callback?.status === 'DELIVERED') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the result callback was not delivered');
}
