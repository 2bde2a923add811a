import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smileSandboxRequest } from '../../sandbox/client.js';
import type { erasureWorkflow } from '../../workflows/erasure.js';
import { erasureWorkflowId } from '../../workflows/ids.js';
import type { StatusDocument } from '../../workflows/types.js';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.js';
import { connect, SANDBOX_USERS, startVerification, uniqueUser, waitUntilClosed } from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';

/**
 * One user's erasure, monitor and Smile's sync: the erasure revokes every
 * account Smile has for the user, Smile's continuous sync follows the
 * service's (off when nobody needs the data), and eraseOnDisconnect ends it all.
 */
const stack = useStack();
let receiver: CallbackReceiver<StatusDocument & { type: string }>;
beforeAll(async () => {
  receiver = await startCallbackReceiver();
});
afterAll(() => receiver?.close());

const george = { fullName: SANDBOX_USERS.george.fullName };
const policy = { connectTimeout: '5m', dataTimeout: '1m' };

interface SmileAccount {
  connectionStatus: string;
  monitorStatus: string;
}
const smileAccount = (accountId: string) =>
  smileSandboxRequest(stack.sandboxUrl, 'GET', `/v1/accounts/${accountId}`) as Promise<SmileAccount>;

/** Polls `read` until `ok` holds (or 20 s pass), returning the last value. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

const syncAt = (accountId: string) =>
  fetch(`${stack.sandboxUrl}/sandbox/v1/accounts/${accountId}/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endEmployment: true }),
  });

/** A George verification that closed COMPLETED: its start answer, document and account. */
async function completedGeorge(externalUserId: string, extra: Record<string, unknown> = {}) {
  const started = await startVerification(stack, {
    externalUserId,
    applicant: george,
    policy: { ...policy, ...extra },
    callbackUrl: receiver.url,
  });
  expect((await connect(stack, started.link.userToken, SANDBOX_USERS.george)).status).toBeLessThan(300);
  const doc = await waitUntilClosed(stack, started.verificationId);
  expect(doc.decision?.outcome).toBe('APPROVED');
  return { ...started, doc, accountId: doc.accounts[0]!.accountId };
}

describe("Smile's sync follows ours", () => {
  it("an unmonitored run's accounts end CUSTOMER_DISABLED, and Smile runs no more syncs of them", async () => {
    const run = await completedGeorge(uniqueUser('unmonitored'));
    const account = await eventually(
      () => smileAccount(run.accountId),
      (a) => a.monitorStatus === 'CUSTOMER_DISABLED',
    );
    expect(account).toMatchObject({ connectionStatus: 'CONNECTED', monitorStatus: 'CUSTOMER_DISABLED' });
    expect((await syncAt(run.accountId)).status).toBe(409);
  });

  it("a monitored run's accounts stay ACTIVE while it is monitored and end CUSTOMER_DISABLED when monitoring ends", async () => {
    const externalUserId = uniqueUser('monitored');
    const run = await completedGeorge(externalUserId, { monitor: { enabled: true, duration: '30d' } });
    expect(run.doc.monitoring?.status).toBe('ACTIVE');
    expect((await smileAccount(run.accountId)).monitorStatus).toBe('ACTIVE');
    const ended = await stack.app.inject({
      method: 'DELETE',
      url: `/v1/verifications/${run.verificationId}/monitor`,
      headers: auth,
    });
    expect(ended.statusCode).toBe(202);
    await stack.client.workflow.getHandle(run.verificationId).result();
    expect((await smileAccount(run.accountId)).monitorStatus).toBe('CUSTOMER_DISABLED');
  });
});

describe('erasure revokes every account', () => {
  it('an account linked after the decision is revoked too', async () => {
    const externalUserId = uniqueUser('linked-later');
    const run = await completedGeorge(externalUserId);
    await stack.client.workflow.getHandle(run.verificationId).result();
    // After the decision, with the same link: an account no run knows.
    const later = await connect(stack, run.link.userToken, SANDBOX_USERS.ryan);
    expect(later.status).toBeLessThan(300);
    const laterId = (later.body as { data: { account: { id: string } } }).data.account.id;
    expect((await smileAccount(laterId)).connectionStatus).toBe('CONNECTED');

    const response = await stack.app.inject({
      method: 'DELETE',
      url: `/v1/verifications/${run.verificationId}/data`,
      headers: auth,
    });
    expect(response.statusCode, response.body).toBe(202);
    const erased = await stack.client.workflow.getHandle<typeof erasureWorkflow>(response.json().erasureId).result();
    expect(erased.accountsRevoked).toBe(2);
    for (const accountId of [run.accountId, laterId])
      expect(await smileAccount(accountId)).toMatchObject({
        connectionStatus: 'DISCONNECTED',
        monitorStatus: 'CUSTOMER_DISABLED',
      });
    // Its events, orphans of no run, went with the erasure.
    const [orphans] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from inbox_events where smile_user_id = ${run.smileUserId} and state = 'orphan'`;
    expect(orphans!.n).toBe(0);
  });
});

describe('eraseOnDisconnect with a monitor', () => {
  it('ends the monitor, erases (report 410), sends no verification.updated after, and a later sync writes nothing', async () => {
    const externalUserId = uniqueUser('erase-monitored');
    const run = await completedGeorge(externalUserId, {
      eraseOnDisconnect: true,
      monitor: { enabled: true, duration: '30d' },
    });
    expect(run.doc.monitoring?.status).toBe('ACTIVE');
    const monitor = stack.client.workflow.getHandle(run.verificationId);

    // The user withdraws consent: Smile revokes the account and sends ACCOUNT_DISCONNECTED.
    await smileSandboxRequest(stack.sandboxUrl, 'DELETE', `/v1/accounts/${run.accountId}`);
    const erasure = stack.client.workflow.getHandle<typeof erasureWorkflow>(erasureWorkflowId(externalUserId));
    const erasedAt = await eventually(
      async () => {
        try {
          await erasure.result();
          return Date.now();
        } catch {
          return undefined;
        }
      },
      (at) => at !== undefined,
    );
    expect(erasedAt).toBeDefined();
    expect(await monitor.result()).toMatchObject({ monitoring: { status: 'ENDED', endedReason: expect.any(String) } });
    const report = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${run.verificationId}/report`,
      headers: auth,
    });
    expect(report.statusCode).toBe(410);

    // A later sync: Smile runs none for a revoked account, and nothing of the user is written here.
    const countRows = async () =>
      (
        await stack.sql<{ datapoints: number; decisions: number; events: number }[]>`
        select (select count(*)::int from datapoints where smile_user_id = ${run.smileUserId}) as datapoints,
               (select count(*)::int from decisions d join verifications v using (run_id)
                 where v.verification_id = ${run.verificationId}) as decisions,
               (select count(*)::int from inbox_events where smile_user_id = ${run.smileUserId} and body is not null) as events`
      )[0]!;
    const before = await countRows();
    expect(before.datapoints).toBe(0);
    expect((await syncAt(run.accountId)).status).not.toBe(200);
    await sleep(1_000);
    expect(await countRows()).toEqual(before);
    const updates = receiver.received.filter(
      (r) => r.body.verificationId === run.verificationId && r.body.type === 'verification.updated',
    );
    expect(updates).toEqual([]);
  });
});
