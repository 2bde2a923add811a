import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { retentionWorkflow } from '../../workflows/retention.js';
import { ensureRetentionSchedule } from '../../worker/schedule.js';
import { ownDatabase, rowsContaining } from '../support/database.js';
import { saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { auth, smileSandboxRequest, startStack, type Stack } from '../support/stack.js';

/** DATA_RETENTION_DAYS (SPEC §10): the purge workflow and its Schedule, in a database of its own. */
let stack: Stack;
let database: Awaited<ReturnType<typeof ownDatabase>>;
beforeAll(async () => {
  database = await ownDatabase('retention');
  stack = await startStack({ DATABASE_URL: database.url, DATA_RETENTION_DAYS: '0' });
});
afterAll(async () => {
  await stack?.close();
  await database?.drop();
});

const policy = { connectTimeout: '30s', dataTimeout: '20s' };

async function georgeDecided(externalUserId: string) {
  const started = await journey.startVerification(stack, {
    externalUserId,
    applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
    policy,
  });
  expect((await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george)).status).toBeLessThan(300);
  const doc = await journey.waitUntilClosed(stack, started.verificationId);
  expect(doc.decision?.outcome).toBe('APPROVED');
  return doc;
}

let lastPurgeId = '';
async function purge(batchSize: number) {
  lastPurgeId = `retention-test-${randomUUID()}`;
  return stack.client.workflow.execute<typeof retentionWorkflow>('retentionWorkflow', {
    workflowId: lastPurgeId,
    taskQueue: stack.config.temporal.taskQueue,
    args: [{ retentionDays: stack.config.retention.days, batchSize }],
  });
}

const smileAccount = async (accountId: string) =>
  (await smileSandboxRequest(stack.sandboxUrl, 'GET', `/v1/accounts/${accountId}`)) as {
    connectionStatus: string;
    monitorStatus: string;
  };

const datapointsOf = async (smileUserId: string) =>
  (await stack.sql<{ n: number }[]>`select count(*)::int as n from datapoints where smile_user_id = ${smileUserId}`)[0]!
    .n;

describe('retention', () => {
  it("purges closed runs in batches, keeps data a user's open run still needs, keeps decisions", async () => {
    const externalUserId = journey.uniqueUser('retain-george');
    const first = await georgeDecided(externalUserId);
    const other = await georgeDecided(journey.uniqueUser('retain-other'));
    // George's next verification is open: his accounts' data may be what it judges.
    const second = await journey.startVerification(stack, {
      externalUserId,
      applicant: { fullName: 'George Open-Run' },
      policy: { connectTimeout: '5m' },
    });

    expect(await purge(1)).toEqual({ runs: 2 });
    await saveHistory('retention-batches', stack.client.workflow.getHandle(lastPurgeId));
    expect(await datapointsOf(first.smileUserId!)).toBeGreaterThan(0);
    expect(await datapointsOf(other.smileUserId!)).toBe(0);
    const applicants = await stack.sql<{ applicant: unknown }[]>`
      select applicant from verification_requests where external_user_id = ${externalUserId} order by created_at`;
    expect(applicants.map((row) => row.applicant)).toEqual([null, { fullName: 'George Open-Run' }]);
    const [run] = await stack.sql<{ purged: boolean; status_document: { decision: { outcome: string } } }[]>`
      select purged_at is not null as purged, status_document from verifications where run_id = (
        select run_id from verifications where verification_id = ${first.verificationId} order by created_at limit 1)`;
    expect(run).toMatchObject({ purged: true, status_document: { decision: { outcome: 'APPROVED' } } });
    const report = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${other.verificationId}/report`,
      headers: auth,
    });
    expect(report.statusCode).toBe(410);
    // The purged user's account is revoked at Smile too (its sync off first); George's stays for his open run.
    expect(await smileAccount(other.accounts[0]!.accountId)).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      monitorStatus: 'CUSTOMER_DISABLED',
    });
    expect((await smileAccount(first.accounts[0]!.accountId)).connectionStatus).toBe('CONNECTED');

    // Nothing is purged twice; once the open run has closed, the shared data goes too.
    expect(await purge(10)).toEqual({ runs: 0 });
    await stack.client.workflow.getHandle(second.verificationId).cancel();
    await journey.waitUntilClosed(stack, second.verificationId);
    expect(await purge(10)).toEqual({ runs: 1 });
    expect(await datapointsOf(first.smileUserId!)).toBe(0);
    expect((await smileAccount(first.accounts[0]!.accountId)).connectionStatus).toBe('DISCONNECTED');
    expect(await rowsContaining(stack.sql, 'palomero')).toEqual({});
    expect(await rowsContaining(stack.sql, 'open-run')).toEqual({});
    const decisions = await stack.sql<{ outcome: string; evidence_hash: string; inputs: unknown }[]>`
      select outcome, evidence_hash, inputs from decisions where evidence_hash = ${first.decision!.evidenceHash}`;
    expect([...decisions]).toEqual([
      { outcome: 'APPROVED', evidence_hash: first.decision!.evidenceHash, inputs: null },
    ]);
    const kinds = await stack.sql`select distinct kind, key_name from erasures`;
    expect([...kinds]).toEqual([{ kind: 'retention', key_name: null }]);
  });

  it('deletes orphan events older than 30 days, rows and bodies; younger ones stay', async () => {
    const orphan = (id: string, ageDays: number) => stack.sql`
      insert into inbox_events (id, source, type, smile_user_id, body, state, received_at)
      values (${id}, 'smile', 'ACCOUNT_SYNC_TASK_FINISHED', 'tenantId-orphan-owner',
              ${stack.sql.json({ data: { payload: { identity: { fullName: 'Orphan Person' } } } })},
              'orphan', now() - make_interval(days => ${ageDays}))`;
    const old = `et-old-${randomUUID()}`;
    const young = `et-young-${randomUUID()}`;
    await orphan(old, 31);
    await orphan(young, 29);
    await purge(10);
    const left = await stack.sql<{ id: string }[]>`select id from inbox_events where id in (${old}, ${young})`;
    expect(left.map((row) => row.id)).toEqual([young]);
  });

  it('the daily Schedule is created once, left alone when unchanged, updated when it differs, and runs the purge', async () => {
    const scheduleId = `data-retention-test-${randomUUID().slice(0, 8)}`;
    const options = { taskQueue: stack.config.temporal.taskQueue, retentionDays: 0, scheduleId };
    const handle = stack.client.schedule.getHandle(scheduleId);
    try {
      expect(await ensureRetentionSchedule(stack.client, options)).toBe('created');
      expect(await ensureRetentionSchedule(stack.client, options)).toBe('unchanged');
      const described = await handle.describe();
      expect(described.spec.intervals).toEqual([{ every: 86_400_000, offset: 3 * 3_600_000 }]);
      expect(described.action).toMatchObject({ workflowType: 'retentionWorkflow', args: [{ retentionDays: 0 }] });

      // `temporal schedule trigger --schedule-id …` does this: one run now.
      await handle.trigger();
      const workflowId = await until(async () => (await handle.describe()).info.recentActions[0]?.action.workflow);
      expect(await stack.client.workflow.getHandle(workflowId.workflowId).result()).toEqual({ runs: 0 });

      expect(await ensureRetentionSchedule(stack.client, { ...options, retentionDays: 30 })).toBe('updated');
      expect((await handle.describe()).action).toMatchObject({ args: [{ retentionDays: 30 }] });
    } finally {
      await handle.delete().catch(() => undefined);
    }
  });
});

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error('timed out');
}
