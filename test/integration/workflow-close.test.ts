import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { useCallbackReceiver } from '../support/callback-receiver.js';
import { callbackWorkflowId } from '../../workflows/ids.js';
import { saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';

/** Closing: once, uninterruptible, with a callback child only when there is a URL to call. */
const stack = useStack();
const receiver = useCallbackReceiver();

const george = { fullName: journey.SANDBOX_USERS.george.fullName };
const policy = { connectTimeout: '5m', dataTimeout: '1m' };
const handle = (id: string) => stack.client.workflow.getHandle(id);

/** Statements of this database waiting for a lock on the verifications table. */
async function blockedRecords(): Promise<number> {
  const [row] = await stack.sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and query like '%insert into verifications%'`;
  return row!.n;
}

describe('a cancel that lands while a decided verification closes', () => {
  it('changes nothing: the run closes COMPLETED with its decision, once', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('cancel-in-close'),
      applicant: george,
      policy,
    });
    // Hold the decision back, then the row of the run, so the COMPLETED record waits on a lock while the cancel comes.
    const decisions = await stack.sql.reserve();
    await decisions`begin`;
    await decisions`lock table decisions in share mode`;
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    await journey.waitForStatus(stack, started.verificationId, (doc) => doc.status === 'EVALUATING');
    const row = await stack.sql.reserve();
    await row`begin`;
    await row`select 1 from verifications where verification_id = ${started.verificationId} for update`;
    await decisions`commit`;
    decisions.release();
    for (let i = 0; i < 120 && (await blockedRecords()) === 0; i++) await sleep(250);
    expect(await blockedRecords()).toBe(1);

    const cancel = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/cancel`,
      headers: auth,
    });
    expect(cancel.statusCode).toBe(202);
    // Give the run the time to see the cancel (a second close would wait on the same row).
    for (let i = 0; i < 60 && (await blockedRecords()) < 2; i++) await sleep(250);
    await row`commit`;
    row.release();

    const result = await handle(started.verificationId).result();
    expect(result).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    await saveHistory('cancel-during-close', handle(started.verificationId));
  });
});

describe('the result callback child', () => {
  it('is not started when no callback URL is set', async () => {
    const { started } = await journey.startAndConnect(stack, 'no-callback', journey.SANDBOX_USERS.george, { policy });
    const doc = await journey.waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', callback: { status: 'NOT_CONFIGURED' } });
    const { runId } = await handle(started.verificationId).describe();
    await expect(handle(callbackWorkflowId(runId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('delivers to the callback URL when one is set', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('callback'),
      applicant: george,
      policy,
      callbackUrl: receiver.url,
    });
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    await journey.waitUntilClosed(stack, started.verificationId);
    // The document is stored before the close starts the child: the run's own end follows the child's start.
    await handle(started.verificationId).result();
    const { runId } = await handle(started.verificationId).describe();
    expect(await handle(callbackWorkflowId(runId)).result()).toBe('DELIVERED');
    expect(
      (await journey.waitForStatus(stack, started.verificationId, (doc) => doc.callback?.status === 'DELIVERED'))
        .callback,
    ).toEqual({
      status: 'DELIVERED',
    });
    await saveHistory('callback-delivered', handle(started.verificationId));
    await saveHistory('callback-child', handle(callbackWorkflowId(runId)));
  });
});

describe('GET /v1/verifications/:id', () => {
  it('answers the document as stored in Postgres, never from a workflow query', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('stored-read'),
      policy,
    });
    // A failed attempt changes the running workflow's state; the stored document follows at the next status.
    await journey.connect(stack, started.link.userToken, { ...journey.SANDBOX_USERS.george, password: 'wrong' });
    for (let i = 0; i < 40; i++, await sleep(250)) {
      const live = await handle(started.verificationId).query('status');
      if ((live as { accounts: unknown[] }).accounts.length > 0) break;
    }
    const response = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${started.verificationId}`,
      headers: auth,
    });
    const [row] = await stack.sql<{ status_document: unknown }[]>`
      select status_document from verifications where verification_id = ${started.verificationId}`;
    expect(response.json()).toEqual(row!.status_document);
    expect(response.json().accounts).toEqual([]);
  });
});
