import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.js';
import { createActivities } from '../../activities/index.js';
import type { StatusDocument } from '../../workflows/types.js';
import { saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { API_KEY, auth, startStack, type Stack } from '../support/stack.js';

/** Human review of REVIEW outcomes (SPEC §3 `POST …/review`, §6 Review), on the real stack. */
let stack: Stack;
let receiver: CallbackReceiver<{ type: string } & StatusDocument>;

const reviewerKey = { authorization: 'Bearer ops-secret-12345' };
const writerKey = { authorization: 'Bearer writer-secret-12345' };

beforeAll(async () => {
  stack = await startStack({
    API_KEYS: `${API_KEY},ops:ops-secret-12345:reviews.write,writer:writer-secret-12345:verifications.write+verifications.read`,
  });
  receiver = await startCallbackReceiver();
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const handle = (id: string) => stack.client.workflow.getHandle(id);
const policy = (timeout: string) => ({ connectTimeout: '5m', dataTimeout: '1m', review: { enabled: true, timeout } });
const review = (id: string, payload: Record<string, unknown>, headers = reviewerKey) =>
  stack.app.inject({ method: 'POST', url: `/v1/verifications/${id}/review`, headers, payload });
const approval = { outcome: 'APPROVED', reviewer: 'ops@example.com', note: 'payslips seen', reasonCode: 'DOCS_OK' };

async function ryanInReview(timeout: string) {
  const started = await journey.startVerification(stack, {
    externalUserId: journey.uniqueUser('review-ryan'),
    applicant: { fullName: journey.SANDBOX_USERS.ryan.fullName },
    policy: policy(timeout),
    callbackUrl: receiver.url,
  });
  await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.ryan);
  return started.verificationId;
}

async function messagesOf(id: string, count: number) {
  const of = () => receiver.received.filter((m) => m.body.verificationId === id);
  for (let i = 0; i < 120 && of().length < count; i++) await sleep(250);
  return of();
}

async function visibleWith(query: string): Promise<string[]> {
  let found: string[] = [];
  for (let i = 0; i < 40 && found.length === 0; i++, await sleep(250)) {
    found = [];
    for await (const run of stack.client.workflow.list({ query })) found.push(run.workflowId);
  }
  return found;
}

describe('a REVIEW outcome with policy.review.enabled', () => {
  it('waits IN_REVIEW, then closes COMPLETED with the reviewer outcome, engine reasons kept, audited', async () => {
    const id = await ryanInReview('1h');
    const inReview = await journey.waitForStatus(stack, id, (doc) => doc.status === 'IN_REVIEW');
    expect(inReview).toMatchObject({ status: 'IN_REVIEW', stage: 'review', decision: { outcome: 'REVIEW' } });
    expect(inReview.review).toBeUndefined();
    // What `temporal workflow list --query 'VerificationStatus="IN_REVIEW"'` shows an operator.
    expect(
      await visibleWith(`VerificationStatus = "IN_REVIEW" AND Decision = "REVIEW" AND WorkflowId = "${id}"`),
    ).toEqual([id]);
    const [required] = await messagesOf(id, 1);
    expect(required!.body).toMatchObject({ type: 'verification.review_required', status: 'IN_REVIEW' });

    const response = await review(id, approval);
    expect(response.statusCode).toBe(200);
    const doc = response.json() as StatusDocument;
    expect(doc).toMatchObject({
      status: 'COMPLETED',
      decision: { outcome: 'APPROVED', automatedOutcome: 'REVIEW' },
      review: { status: 'RESOLVED', outcome: 'APPROVED', reviewer: 'ops@example.com', keyName: 'ops' },
    });
    expect(doc.review).toMatchObject({ note: 'payslips seen', reasonCode: 'DOCS_OK', reviewedAt: expect.any(String) });
    expect(doc.decision!.reasons.map((r) => r.code)).toEqual(['CONTRIBUTION_GAP']);
    // The stored document (what GET serves) is the same closed one.
    const stored = await journey.waitUntilClosed(stack, id);
    expect(stored).toMatchObject({ status: 'COMPLETED', review: doc.review, decision: doc.decision });
    expect(
      await visibleWith(`VerificationStatus = "COMPLETED" AND Decision = "APPROVED" AND WorkflowId = "${id}"`),
    ).toEqual([id]);

    const messages = await messagesOf(id, 2);
    expect(messages.map((m) => m.body.type)).toEqual(['verification.review_required', 'verification.completed']);
    expect(new Set(messages.map((m) => m.headers['webhook-id'])).size).toBe(2);
    expect(messages[1]!.body).toMatchObject({ decision: { outcome: 'APPROVED' }, review: { status: 'RESOLVED' } });

    const audit = await stack.sql`select action, key_name, details from audit_events where verification_id = ${id}`;
    expect([...audit]).toEqual([{ action: 'review', key_name: 'ops', details: { outcome: 'APPROVED' } }]);

    // The report shows the review beside the engine's outcome and reasons.
    const report = async (accept: string) =>
      stack.app.inject({ method: 'GET', url: `/v1/verifications/${id}/report`, headers: { ...auth, accept } });
    expect((await report('application/json')).json().decision).toMatchObject({
      outcome: 'APPROVED',
      automatedOutcome: 'REVIEW',
      reasons: [expect.objectContaining({ code: 'CONTRIBUTION_GAP' })],
      review: { status: 'RESOLVED', reviewer: 'ops@example.com', outcome: 'APPROVED', keyName: 'ops' },
    });
    const html = (await report('text/html')).body;
    expect(html).toContain('(engine: REVIEW)');
    expect(html).toMatch(/id="review">.*APPROVED.* by ops@example\.com \(key ops\)/);
    expect(html).toContain('DOCS_OK: payslips seen');

    // A second review of the closed run is a conflict, and changes nothing.
    const again = await review(id, { outcome: 'DECLINED', reviewer: 'someone-else' });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await journey.waitUntilClosed(stack, id)).decision?.outcome).toBe('APPROVED');
    await saveHistory('review-resolved', handle(id));
  });

  it('closes COMPLETED with outcome REVIEW and review EXPIRED when nobody reviews in time', async () => {
    const id = await ryanInReview('5s');
    await journey.waitForStatus(stack, id, (doc) => doc.status === 'IN_REVIEW');
    const doc = await journey.waitUntilClosed(stack, id, 60_000);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'REVIEW' }, review: { status: 'EXPIRED' } });
    expect(doc.decision?.automatedOutcome).toBeUndefined();
    expect((await review(id, approval)).statusCode).toBe(409);
    const html = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${id}/report`,
      headers: { ...auth, accept: 'text/html' },
    });
    expect(html.body).toContain('id="review">EXPIRED');
    const messages = await messagesOf(id, 2);
    expect(messages.map((m) => m.body.type)).toEqual(['verification.review_required', 'verification.completed']);
    await saveHistory('review-expired', handle(id));
  });
});

describe('a cancel while IN_REVIEW', () => {
  it('closes COMPLETED with the engine outcome (a decided run is never relabelled), then refuses a review', async () => {
    const id = await ryanInReview('1h');
    await journey.waitForStatus(stack, id, (doc) => doc.status === 'IN_REVIEW');
    const cancel = await stack.app.inject({ method: 'POST', url: `/v1/verifications/${id}/cancel`, headers: auth });
    expect(cancel.statusCode).toBe(202);
    expect(await handle(id).result()).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'REVIEW' } });
    const doc = await journey.waitUntilClosed(stack, id);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'REVIEW' } });
    expect(doc.review).toBeUndefined();
    expect((await review(id, approval)).statusCode).toBe(409);
    await saveHistory('review-cancelled', handle(id));
  });
});

describe('the review audit activity', () => {
  it('writes one row per run however often it is retried', async () => {
    const { recordReviewAudit } = createActivities({
      sql: stack.sql,
      smile: {} as never,
      kyc: {} as never,
      callback: { secret: stack.config.resultCallback.secret, allowPrivateNetworks: true },
    });
    const row = { runId: `run-${journey.uniqueUser('audit')}`, verificationId: 'verification-audit', keyName: 'ops' };
    await recordReviewAudit({ ...row, outcome: 'DECLINED' });
    await recordReviewAudit({ ...row, outcome: 'DECLINED' });
    const rows = await stack.sql`select action, key_name, details from audit_events where run_id = ${row.runId}`;
    expect([...rows]).toEqual([{ action: 'review', key_name: 'ops', details: { outcome: 'DECLINED' } }]);
  });
});

describe('POST /v1/verifications/:id/review refuses', () => {
  it('409 for a verification that never needed review (George, COMPLETED APPROVED)', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('review-george'),
      applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
      policy: policy('1h'),
    });
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    expect(await journey.waitUntilClosed(stack, started.verificationId)).toMatchObject({ status: 'COMPLETED' });
    const response = await review(started.verificationId, approval);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ status: 409, detail: expect.stringContaining('COMPLETED') });
  });

  it('409 while the verification is still waiting for data', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('review-early'),
      policy: policy('1h'),
    });
    const response = await review(started.verificationId, approval);
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toContain('AWAITING_CONNECTION');
    await handle(started.verificationId).cancel();
  });

  it('400 naming the invalid field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...approval, outcome: 'REVIEW' }, 'body.outcome'],
      [{ ...approval, reviewer: '' }, 'body.reviewer'],
      [{ ...approval, reviewer: 'x'.repeat(129) }, 'body.reviewer'],
      [{ ...approval, note: 'x'.repeat(2_001) }, 'body.note'],
      [{ ...approval, reasonCode: 'not a code!' }, 'body.reasonCode'],
    ];
    for (const [payload, path] of cases) {
      const response = await review('verification-nobody', payload);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('404 for an unknown verification', async () => {
    expect((await review(`verification-${journey.uniqueUser('nobody')}`, approval)).statusCode).toBe(404);
  });

  it('401 without a key, 403 for a key without reviews.write', async () => {
    expect((await review('verification-nobody', approval, {} as typeof auth)).statusCode).toBe(401);
    const response = await review('verification-nobody', approval, writerKey);
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toContain('reviews.write');
  });
});
