import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useCallbackReceiver } from '../support/callback-receiver.js';
import { createEvaluationActivities } from '../../activities/evaluation.js';
import { smileSandboxRequest } from '../../sandbox/client.js';
import { saveRequest } from '../../db/users.js';
import { callbackWorkflowId, verificationWorkflowId } from '../../workflows/ids.js';
import { linkTokenUpdate } from '../../workflows/messages.js';
import { resolvePolicy } from '../../workflows/policy.js';
import type { StatusDocument, VerificationInput } from '../../workflows/types.js';
import { saveHistory } from '../support/history.js';
import { eventually } from '../support/eventually.js';
import * as journey from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';

/**
 * Continuous monitoring: a completed verification kept current from Smile's
 * data sync, by the same workflow that decided it (the user's one actor).
 */
const stack = useStack();
const receiver = useCallbackReceiver<StatusDocument & { type: string; reportUrl?: string }>();
const messages = () => receiver.received.map((r) => r.body);

const george = { fullName: 'George Palomero' };
const monitored = { connectTimeout: '5m', dataTimeout: '1m', monitor: { enabled: true, duration: '30d' } };
const handle = (id: string, runId?: string) => stack.client.workflow.getHandle(id, runId);

/** A George verification that closed COMPLETED: its document and its one account. */
async function completedGeorge(externalUserId: string, policy: Record<string, unknown> = monitored) {
  const started = await journey.startVerification(stack, {
    externalUserId,
    applicant: george,
    policy,
    callbackUrl: receiver.url,
  });
  await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
  const doc = await journey.waitUntilClosed(stack, started.verificationId);
  return { ...started, doc, accountId: doc.accounts[0]!.accountId };
}

const sync = (accountId: string, body: Record<string, unknown>) =>
  fetch(`${stack.sandboxUrl}/sandbox/v1/accounts/${accountId}/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => expect(r.status).toBe(200));

const versions = (runId: string) =>
  stack.sql<{ version: number; outcome: string }[]>`
    select version, outcome from decisions where run_id = ${runId} order by version`.then((rows) => [...rows]);

const stopMonitor = (id: string) =>
  stack.app.inject({ method: 'DELETE', url: `/v1/verifications/${id}/monitor`, headers: auth });

describe('the monitor', () => {
  it('re-judges a sync that ends the employment: a new decision version, the document and a verification.updated', async () => {
    const externalUserId = journey.uniqueUser('monitored');
    const george = await completedGeorge(externalUserId);
    expect(george.doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    expect(george.doc.monitoring).toMatchObject({ status: 'ACTIVE', changes: [] });
    // The workflow that decided keeps running while it monitors; operators still find it by user.
    const monitoring = await handle(george.verificationId).describe();
    const { runId } = monitoring;
    expect(monitoring.status.name).toBe('RUNNING');
    expect(monitoring.typedSearchAttributes.getAll().map((p) => p.key.name)).toEqual(
      expect.arrayContaining(['ExternalUserId', 'SmileUserId', 'VerificationStatus']),
    );

    // A refresh that changes nothing: the sync is recorded, no version, no message.
    await sync(george.accountId, { incomeFactor: 1 });
    const synced = await journey.waitForStatus(
      stack,
      george.verificationId,
      (d) => d.monitoring?.lastSyncAt !== undefined,
    );
    expect(synced.monitoring).toMatchObject({ status: 'ACTIVE', changes: [] });
    expect(await versions(runId)).toEqual([{ version: 1, outcome: 'APPROVED' }]);

    await sync(george.accountId, { endEmployment: true });
    const updated = await journey.waitForStatus(stack, george.verificationId, () =>
      messages().some((m) => m.type === 'verification.updated' && m.verificationId === george.verificationId),
    );
    const message = messages().find(
      (m) => m.type === 'verification.updated' && m.verificationId === george.verificationId,
    )!;
    expect(message.decision?.outcome).toBe('DECLINED');
    expect(message.decision?.reasons.map((r) => r.code)).toContain('NO_CURRENT_EMPLOYMENT');
    expect(updated.decision?.outcome).toBe('DECLINED');
    expect(updated.monitoring?.changes).toEqual([
      {
        at: updated.decision!.evaluatedAt,
        from: 'APPROVED',
        to: 'DECLINED',
        codes: ['NO_CURRENT_EMPLOYMENT', 'TENURE_TOO_SHORT'],
      },
    ]);
    expect(await versions(runId)).toEqual([
      { version: 1, outcome: 'APPROVED' },
      { version: 2, outcome: 'DECLINED' },
    ]);
    // An operator finds the monitored run by its current decision, still running.
    const query = `Decision = "DECLINED" AND ExecutionStatus = "Running" AND WorkflowId = "${george.verificationId}"`;
    const visible = await eventually(
      async () => {
        const found: string[] = [];
        for await (const listed of stack.client.workflow.list({ query })) found.push(listed.workflowId);
        return found;
      },
      (found) => found.length > 0,
    );
    expect(visible).toEqual([george.verificationId]);
    // Search finds it by its current decision.
    const search = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications?decision=DECLINED&externalUserId=${externalUserId}`,
      headers: auth,
    });
    expect(search.json().items.map((i: { runId: string; decision: string }) => [i.runId, i.decision])).toEqual([
      [runId, 'DECLINED'],
    ]);
    // A retried re-evaluation of the same event finds its version; another event over the same data changes nothing.
    const [trigger] = await stack.sql<{ id: string; request_id: string }[]>`
      select d.trigger_event_id as id, v.request_id from decisions d join verifications v using (run_id)
      where d.run_id = ${runId} and d.version = 2`;
    const { reevaluateVerification } = createEvaluationActivities({ sql: stack.sql });
    const again = {
      runId,
      requestId: trigger!.request_id,
      smileUserId: george.smileUserId,
      policy: resolvePolicy(monitored),
      accounts: [{ accountId: george.accountId, providerId: journey.SANDBOX_USERS.george.providerId }],
    };
    expect(await reevaluateVerification({ ...again, eventId: trigger!.id })).toMatchObject({
      changed: true,
      version: 2,
      change: { from: 'APPROVED', to: 'DECLINED', codes: ['NO_CURRENT_EMPLOYMENT', 'TENURE_TOO_SHORT'] },
    });
    expect(await reevaluateVerification({ ...again, eventId: 'et-another' })).toEqual({ changed: false });
    expect(await versions(runId)).toHaveLength(2);
    expect(await handle(callbackWorkflowId(runId, { type: 'verification.updated', sequence: 1 })).result()).toBe(
      'DELIVERED',
    );
    // Only the change was sent: the unchanged sync sent nothing.
    expect(
      messages()
        .filter((m) => m.verificationId === george.verificationId)
        .map((m) => m.type),
    ).toEqual(['verification.completed', 'verification.updated']);
    const report = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${george.verificationId}/report`,
      headers: auth,
    });
    expect(report.json()).toMatchObject({
      decision: { outcome: 'DECLINED' },
      monitoring: { decisionVersion: 2, changes: [{ from: 'APPROVED', to: 'DECLINED' }] },
    });

    const page = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${george.verificationId}/report`,
      headers: { ...auth, accept: 'text/html' },
    });
    expect(page.body).toMatch(
      /<h2 id="monitoring">Monitoring<\/h2>[\s\S]*APPROVED<\/td><td>DECLINED<\/td><td>NO_CURRENT_EMPLOYMENT/,
    );

    // Revoked at Smile: ACCOUNT_DISCONNECTED of the run's only account ends the monitor.
    await smileSandboxRequest(stack.sandboxUrl, 'DELETE', `/v1/accounts/${george.accountId}`);
    const ended = (await handle(george.verificationId).result()) as StatusDocument;
    expect(ended.monitoring).toMatchObject({ status: 'ENDED', endedReason: 'ALL_ACCOUNTS_DISCONNECTED' });
    expect((await journey.getStatus(stack, george.verificationId)).monitoring).toMatchObject({
      status: 'ENDED',
      endedReason: 'ALL_ACCOUNTS_DISCONNECTED',
      changes: [{ from: 'APPROVED', to: 'DECLINED' }],
    });
    await saveHistory('george-monitored', handle(george.verificationId));
  });

  it("measures a reviewed run against the engine's outcome; a change replaces the reviewer's decision, the review stays", async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('reviewed'),
      applicant: { fullName: journey.SANDBOX_USERS.ryan.fullName },
      policy: { ...monitored, review: { enabled: true, timeout: '1h' } },
    });
    const id = started.verificationId;
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.ryan);
    await journey.waitForStatus(stack, id, (d) => d.status === 'IN_REVIEW');
    const reviewed = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${id}/review`,
      headers: auth,
      payload: { outcome: 'APPROVED', reviewer: 'ops@example.com' },
    });
    expect(reviewed.statusCode).toBe(200);
    const closed = await journey.waitUntilClosed(stack, id);
    expect(closed).toMatchObject({
      status: 'COMPLETED',
      decision: { outcome: 'APPROVED', automatedOutcome: 'REVIEW' },
      monitoring: { status: 'ACTIVE' },
    });
    await sync(closed.accounts[0]!.accountId, { endEmployment: true });
    const updated = await journey.waitForStatus(stack, id, (d) => (d.monitoring?.changes.length ?? 0) > 0);
    expect(updated.monitoring?.changes).toEqual([
      { at: expect.any(String), from: 'REVIEW', to: 'DECLINED', codes: ['NO_CURRENT_EMPLOYMENT', 'TENURE_TOO_SHORT'] },
    ]);
    expect(updated.decision?.outcome).toBe('DECLINED');
    expect(updated.decision).not.toHaveProperty('automatedOutcome');
    expect(updated.review).toMatchObject({ status: 'RESOLVED', outcome: 'APPROVED' });
    expect((await stopMonitor(id)).statusCode).toBe(202);
  });

  it('ends when a new verification of the user starts, before that run starts', async () => {
    const externalUserId = journey.uniqueUser('renewed');
    const first = await completedGeorge(externalUserId);
    expect(first.doc.monitoring?.status).toBe('ACTIVE');
    const { runId: firstRunId } = await handle(first.verificationId).describe();
    const second = await journey.startVerification(stack, { externalUserId, applicant: george, policy: monitored });
    const previous = await handle(first.verificationId, firstRunId).describe();
    expect(previous.status.name).toBe('COMPLETED');
    expect(await handle(first.verificationId, firstRunId).result()).toMatchObject({
      monitoring: { status: 'ENDED', endedReason: 'NEW_VERIFICATION' },
    });
    const next = await handle(first.verificationId).describe();
    expect(next.runId).not.toBe(firstRunId);
    expect(second.runId).toBe(next.runId);
    expect(previous.closeTime!.getTime()).toBeLessThanOrEqual(next.startTime.getTime());
    await saveHistory('monitor-new-verification', handle(first.verificationId, firstRunId));
    const [row] = await stack.sql<{ status_document: StatusDocument }[]>`
      select status_document from verifications where run_id = ${firstRunId}`;
    expect(row!.status_document.monitoring).toMatchObject({ status: 'ENDED', endedReason: 'NEW_VERIFICATION' });
    await handle(first.verificationId).cancel();
  });

  it('DELETE …/monitor ends it (STOPPED); again, or with none running, 202; an unknown verification 404', async () => {
    const externalUserId = journey.uniqueUser('stopped');
    const george = await completedGeorge(externalUserId);
    const stop = await stopMonitor(george.verificationId);
    expect(stop.statusCode).toBe(202);
    expect(stop.json()).toEqual({ verificationId: george.verificationId, monitor: 'ENDING' });
    expect(await handle(george.verificationId).result()).toMatchObject({ monitoring: { endedReason: 'STOPPED' } });
    const doc = await journey.waitForStatus(stack, george.verificationId, (d) => d.monitoring?.status === 'ENDED');
    expect(doc.monitoring).toMatchObject({ status: 'ENDED', endedReason: 'STOPPED' });
    expect((await stopMonitor(george.verificationId)).json()).toMatchObject({ monitor: 'NOT_RUNNING' });
    const audit = await stack.sql`
      select action, key_name from audit_events where verification_id = ${george.verificationId}`;
    expect([...audit]).toEqual([{ action: 'stop-monitor', key_name: expect.any(String) }]);
    expect((await stopMonitor('verification-nobody-here')).statusCode).toBe(404);
    await saveHistory('monitor-stopped', handle(george.verificationId));
    // Once the monitor has ended, Smile's continuous sync of the account is off too: it runs no more syncs.
    const account = (await smileSandboxRequest(stack.sandboxUrl, 'GET', `/v1/accounts/${george.accountId}`)) as {
      monitorStatus: string;
    };
    expect(account.monitorStatus).toBe('CUSTOMER_DISABLED');
    const refused = await fetch(`${stack.sandboxUrl}/sandbox/v1/accounts/${george.accountId}/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ incomeFactor: 2 }),
    });
    expect(refused.status).toBe(409);
  });

  it("ends on erasure of the user's data (ERASED)", async () => {
    const externalUserId = journey.uniqueUser('erased');
    const george = await completedGeorge(externalUserId);
    const erased = await stack.app.inject({
      method: 'DELETE',
      url: `/v1/verifications/${george.verificationId}/data`,
      headers: auth,
    });
    expect(erased.statusCode).toBe(202);
    expect(await handle(george.verificationId).result()).toMatchObject({ monitoring: { endedReason: 'ERASED' } });
  });

  it('continues as new after the configured number of events, carrying its state', async () => {
    // Started directly, as the API would, with a small continue-as-new threshold for its monitoring.
    const externalUserId = journey.uniqueUser('continued');
    const verificationId = verificationWorkflowId(externalUserId);
    const requestId = randomUUID();
    await saveRequest(stack.sql, { requestId, externalUserId, applicant: george });
    const input: VerificationInput = {
      externalUserId,
      requestId,
      policy: resolvePolicy(monitored),
      callbackConfigured: false,
      continueMonitorAfter: 1,
    };
    const started = await stack.client.workflow.start('verificationWorkflow', {
      workflowId: verificationId,
      taskQueue: stack.config.temporal.taskQueue,
      args: [input],
    });
    const token = await started.executeUpdate(linkTokenUpdate, { args: [{ requestId }] });
    await journey.connect(stack, token.userToken, journey.SANDBOX_USERS.george);
    const closed = await journey.waitUntilClosed(stack, verificationId);
    expect(closed.monitoring?.status).toBe('ACTIVE');
    const accountId = closed.accounts[0]!.accountId;
    await sync(accountId, { incomeFactor: 1 });
    const first = handle(verificationId, started.firstExecutionRunId);
    const status = () => first.describe().then((d) => d.status.name);
    expect(await eventually(status, (s) => s !== 'RUNNING')).toBe('CONTINUED_AS_NEW');
    await sync(accountId, { endEmployment: true });
    const changed = await journey.waitForStatus(stack, verificationId, (d) => (d.monitoring?.changes.length ?? 0) > 0);
    expect(changed.monitoring).toMatchObject({ status: 'ACTIVE', changes: [{ from: 'APPROVED', to: 'DECLINED' }] });
    expect(changed.monitoring?.lastSyncAt).toBeDefined();
    const latest = await handle(verificationId).describe();
    expect(latest.runId).not.toBe(started.firstExecutionRunId);
    expect(latest.typedSearchAttributes.getAll().map((p) => p.key.name)).toContain('VerificationStatus');
    await stopMonitor(verificationId);
    expect(((await handle(verificationId).result()) as StatusDocument).monitoring).toMatchObject({
      status: 'ENDED',
      endedReason: 'STOPPED',
      changes: [{ from: 'APPROVED', to: 'DECLINED', codes: ['NO_CURRENT_EMPLOYMENT', 'TENURE_TOO_SHORT'] }],
    });
    // The document a client reads names the run by its first run id, across continue-as-new.
    expect((await journey.getStatus(stack, verificationId)).runId).toBe(started.firstExecutionRunId);
    await saveHistory('monitor-continued', first);
  });
});
