import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataActivities } from '../../activities/datapoints.js';
import { createNotifyActivities } from '../../activities/notify.js';
import { recordCallbackOutcome } from '../../db/verifications.js';
import type { DataFilter, DataResource, Page, SmileDataItem } from '../../smile/index.js';
import { createSql, type Sql } from '../../db/client.js';
import { testDatabaseUrl } from '../support/stack.js';
import { eraseUserData } from '../../db/erasure.js';
import { insertEvents } from '../../db/inbox.js';
import { smileInboxEvent } from '../../db/inbox.js';
import { webhookEnvelopeSchema } from '../../smile/webhooks.js';

const SECRET = 'whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ=';
let sql: Sql;
beforeAll(() => {
  sql = createSql(testDatabaseUrl(), { max: 2 });
});
afterAll(() => sql.end({ timeout: 1 }));

/** A Smile stand-in with 450 contributions: more than a webhook payload may carry. */
const contributionsOf = (userId: string) =>
  Array.from({ length: 450 }, (_, i) => ({
    id: `con-${userId}-${i}`,
    date: '2026-01-31',
    amount: 100,
    currency: 'PHP',
    accountId: 'a-1',
  }));
const fakeSmile = {
  async *dataPages(resource: DataResource, filter: DataFilter): AsyncGenerator<Page<SmileDataItem>> {
    if (resource === 'contributions') yield { items: contributionsOf(filter.userId), nextCursor: null };
  },
};

async function taskFinished(userId: string) {
  const id = `et-${randomUUID()}`;
  const payload = {
    identity: { id: `i-${userId}`, fullName: 'George Palomero' },
    employments: { nextCursor: null, items: [{ id: `e-${userId}`, startDate: '2020-01-01', endDate: null }] },
    contributions: { nextCursor: '300', items: contributionsOf(userId).slice(0, 300) },
  };
  const body = {
    id,
    version: 1,
    type: 'TASK_FINISHED',
    createdAt: '2026-01-01T00:00:00Z',
    data: { userId, sourceId: 'a-1', payload },
  };
  await insertEvents(sql, [{ event: smileInboxEvent(webhookEnvelopeSchema.parse(body)), body }]);
  return id;
}

describe('storing synced data', () => {
  it('completes a capped list through pagination, and storing twice changes nothing', async () => {
    const userId = `tenantId-${randomUUID()}`;
    const activities = createDataActivities({ sql, smile: fakeSmile });
    const eventId = await taskFinished(userId);
    const first = await activities.storeTaskPayload({ eventId });
    expect(first).toEqual({ identity: 1, employments: 1, contributions: 450, incomes: 0 });
    const before = [...(await sql`select id, raw from datapoints where smile_user_id = ${userId} order by id`)];
    expect(await activities.storeTaskPayload({ eventId })).toEqual(first);
    expect([...(await sql`select id, raw from datapoints where smile_user_id = ${userId} order by id`)]).toStrictEqual(
      before,
    );
  });
});

describe('the result callback', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(received.length <= 2 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('is verified by the standardwebhooks library after two failed attempts, with one webhook-id', async () => {
    const runId = randomUUID();
    const document = {
      verificationId: 'verification-cb',
      status: 'COMPLETED',
      decision: { outcome: 'APPROVED', reasons: [], evaluatedAt: 'x' },
    };
    await sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at)
              values (${runId}, 'verification-cb', 'cb', ${randomUUID()}, 'COMPLETED', ${sql.json(document)}, now(), now())`;
    const { deliverResultCallback } = createNotifyActivities({ sql, secret: SECRET, allowPrivateNetworks: true });
    // Temporal would retry the activity with backoff: here, three attempts in a row.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const failure = await deliverResultCallback({ runId, callbackUrl: url }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    }
    expect(await deliverResultCallback({ runId, callbackUrl: url })).toEqual({ delivered: true });

    const last = received.at(-1)!;
    const verified = new Webhook(SECRET).verify(last.body, last.headers as Record<string, string>);
    expect(verified).toEqual({ type: 'verification.completed', ...document });
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([`msg_${runId}`]));
    const attempts = await sql`select status_code from callback_deliveries where run_id = ${runId} order by id`;
    expect(attempts.map((a) => a.status_code)).toEqual([503, 503, 204]);
  });

  it("carries the report's URL once the verification is decided", async () => {
    const runId = randomUUID();
    const document = { verificationId: 'verification-cb2', status: 'COMPLETED', decision: { outcome: 'APPROVED' } };
    await sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at)
              values (${runId}, 'verification-cb2', 'cb2', ${randomUUID()}, 'COMPLETED', ${sql.json(document)}, now(), now())`;
    const { deliverResultCallback } = createNotifyActivities({
      sql,
      secret: SECRET,
      publicUrl: 'https://verify.example',
      allowPrivateNetworks: true,
    });
    expect(await deliverResultCallback({ runId, callbackUrl: url })).toEqual({ delivered: true });
    expect(JSON.parse(received.at(-1)!.body)).toEqual({
      type: 'verification.completed',
      ...document,
      reportUrl: 'https://verify.example/v1/verifications/verification-cb2/report',
    });
  });

  it('sends each message with its own type and webhook-id, and a retry the body of its first attempt', async () => {
    const runId = randomUUID();
    const document = { verificationId: 'verification-cb3', status: 'IN_REVIEW' };
    await sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at)
              values (${runId}, 'verification-cb3', 'cb3', ${randomUUID()}, 'IN_REVIEW', ${sql.json(document)}, now(), now())`;
    const { deliverResultCallback } = createNotifyActivities({ sql, secret: SECRET, allowPrivateNetworks: true });
    const from = received.length;
    await deliverResultCallback({ runId, callbackUrl: url, type: 'verification.review_required' });
    await sql`update verifications set status_document = ${sql.json({ ...document, status: 'COMPLETED' })} where run_id = ${runId}`;
    await deliverResultCallback({ runId, callbackUrl: url, type: 'verification.review_required' }); // a retry
    await deliverResultCallback({ runId, callbackUrl: url, type: 'verification.completed' });
    await deliverResultCallback({ runId, callbackUrl: url, type: 'verification.updated', sequence: 1 });
    const sent = received.slice(from).map((r) => ({ id: r.headers['webhook-id'], ...JSON.parse(r.body) }));
    expect(sent.map(({ id, type, status }) => [id, type, status])).toEqual([
      [`msg_${runId}_review`, 'verification.review_required', 'IN_REVIEW'],
      [`msg_${runId}_review`, 'verification.review_required', 'IN_REVIEW'],
      [`msg_${runId}`, 'verification.completed', 'COMPLETED'],
      [`msg_${runId}_update_1`, 'verification.updated', 'COMPLETED'],
    ]);
  });

  it("records each message's outcome in the document, except a review_required delivery that ends after the close", async () => {
    const runId = randomUUID();
    const document = { verificationId: 'verification-cb4', status: 'IN_REVIEW' };
    await sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at)
              values (${runId}, 'verification-cb4', 'cb4', ${randomUUID()}, 'IN_REVIEW', ${sql.json(document)}, now(), now())`;
    const callbackOf = async () =>
      (await sql`select status_document->'callback' as c from verifications where run_id = ${runId}`)[0]!.c;
    await recordCallbackOutcome(sql, {
      runId,
      type: 'verification.review_required',
      callback: { status: 'DELIVERED' },
    });
    expect(await callbackOf()).toEqual({ status: 'DELIVERED' });
    await sql`update verifications set status = 'COMPLETED' where run_id = ${runId}`;
    await recordCallbackOutcome(sql, {
      runId,
      type: 'verification.completed',
      callback: { status: 'FAILED', error: 'x' },
    });
    await recordCallbackOutcome(sql, {
      runId,
      type: 'verification.review_required',
      callback: { status: 'DELIVERED' },
    });
    expect(await callbackOf()).toEqual({ status: 'FAILED', error: 'x' });
  });

  it('sends nothing for a run whose data was erased before its first attempt', async () => {
    const runId = randomUUID();
    const document = {
      verificationId: 'verification-cb5',
      status: 'CANCELLED',
      partnerParams: { email: 'x@example.com' },
    };
    await sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at, purged_at)
              values (${runId}, 'verification-cb5', 'cb5', ${randomUUID()}, 'CANCELLED', ${sql.json(document)}, now(), now(), now())`;
    const { deliverResultCallback } = createNotifyActivities({ sql, secret: SECRET, allowPrivateNetworks: true });
    const from = received.length;
    const failure = await deliverResultCallback({ runId, callbackUrl: url }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'CallbackErased', nonRetryable: true });
    expect(received.length).toBe(from);
    expect(await sql`select 1 from callback_messages where run_id = ${runId}`).toHaveLength(0);
  });

  it('is skipped when no URL is configured', async () => {
    const { deliverResultCallback } = createNotifyActivities({ sql, secret: SECRET, allowPrivateNetworks: true });
    expect(await deliverResultCallback({ runId: randomUUID() })).toEqual({ delivered: false });
  });
});

describe('erasure', () => {
  it('removes the personal data of every run in one transaction, keeps the decision, records the counts', async () => {
    const userId = `tenantId-${randomUUID()}`;
    const runId = randomUUID();
    const requestId = randomUUID();
    await createDataActivities({ sql, smile: fakeSmile }).storeTaskPayload({ eventId: await taskFinished(userId) });
    await sql`insert into verification_requests (request_id, external_user_id, applicant) values (${requestId}, 'erase-me', ${sql.json({ fullName: 'George Palomero' })})`;
    await sql`insert into verifications (run_id, verification_id, external_user_id, request_id, smile_user_id, status, status_document, created_at, updated_at)
              values (${runId}, 'verification-erase-me', 'erase-me', ${requestId}, ${userId}, 'COMPLETED', '{}', now(), now())`;
    await sql`insert into decisions (run_id, smile_user_id, outcome, reasons, policy) values (${runId}, ${userId}, 'APPROVED', '[]', '{}')`;

    expect(await eraseUserData(sql, 'verification-erase-me', { keyName: 'compliance' })).toMatchObject({
      datapoints: 452,
      applicants: 1,
      eventPayloads: 1,
    });
    expect((await sql`select count(*)::int as n from datapoints where smile_user_id = ${userId}`)[0]!.n).toBe(0);
    expect(
      (await sql`select applicant from verification_requests where request_id = ${requestId}`)[0]!.applicant,
    ).toBeNull();
    expect((await sql`select body from inbox_events where smile_user_id = ${userId}`)[0]!.body).toBeNull();
    expect((await sql`select outcome from decisions where run_id = ${runId}`)[0]!.outcome).toBe('APPROVED');
    expect([
      ...(await sql`select key_name, kind from erasures where verification_id = 'verification-erase-me'`),
    ]).toEqual([{ key_name: 'compliance', kind: 'request' }]);
    expect(await eraseUserData(sql, 'verification-nobody')).toBeUndefined();
  });
});
