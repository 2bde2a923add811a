import { createHmac } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { KycResultRef } from '../../workflows/messages.js';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { useStack } from '../support/stack.js';
import { settledState } from '../support/webhooks.js';

const stack = useStack();

const sign = (timestamp: string, key = 'sandbox-smile-id-key') =>
  createHmac('sha256', key)
    .update(timestamp + 'sandbox-partner' + 'sid_request')
    .digest('base64');
const callback = (jobId: string, signature: string, timestamp = new Date().toISOString()) => ({
  SmileJobID: '0000001',
  PartnerParams: { job_id: jobId, user_id: 'tenantId-x', job_type: 5 },
  ResultCode: '1012',
  ResultText: 'ID Number Validated',
  timestamp,
  signature,
});
const post = (body: unknown) =>
  stack.app.inject({
    method: 'POST',
    url: '/webhooks/smile-id',
    headers: { 'content-type': 'application/json' },
    payload: body as object,
  });

/** The kycResult signals in a workflow's history, decoded with the client's own data converter. */
async function kycSignals(workflowId: string): Promise<KycResultRef[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const { payloadCodecs, payloadConverter } = stack.client.workflow.options.loadedDataConverter;
  const refs: KycResultRef[] = [];
  for (const event of history.events ?? []) {
    const attrs = event.workflowExecutionSignaledEventAttributes;
    if (attrs?.signalName !== 'kycResult') continue;
    let payloads = (attrs.input?.payloads ?? []) as Payload[];
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    refs.push(payloadConverter.fromPayload<KycResultRef>(payloads[0]!));
  }
  return refs;
}

describe('POST /webhooks/smile-id', () => {
  it('correlates kyc-<runId> to the running verification and signals kycResult once, a reference only', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('kyc-cb') });
    const [row] = await stack.sql<
      { run_id: string }[]
    >`select run_id from verifications where verification_id = ${started.verificationId}`;
    const jobId = `kyc-${row!.run_id}`;
    const timestamp = new Date().toISOString();
    const body = callback(jobId, sign(timestamp), timestamp);
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).json().duplicate).toBe(true);
    expect(await settledState(stack.sql, `sid-${jobId}-1012`)).toBe('delivered');
    const [stored] =
      await stack.sql`select state, verification_id, source from inbox_events where id = ${`sid-${jobId}-1012`}`;
    expect(stored).toMatchObject({ state: 'delivered', verification_id: started.verificationId, source: 'smile-id' });
    const refs = await kycSignals(started.verificationId);
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ eventId: `sid-${jobId}-1012`, jobId, resultCode: '1012' });
    expect(Object.keys(refs[0]!).sort()).toEqual(['eventId', 'jobId', 'receivedAt', 'resultCode']);
  });

  it('stores a validly signed callback once, and answers a duplicate 200', async () => {
    const timestamp = new Date().toISOString();
    const body = callback('kyc-unknown-run', sign(timestamp), timestamp);
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).json().duplicate).toBe(true);
    expect(await settledState(stack.sql, 'sid-kyc-unknown-run-1012')).toBe('orphan');
    expect(await stack.sql`select 1 from inbox_events where id = 'sid-kyc-unknown-run-1012'`).toHaveLength(1);
  });

  it('401 for a wrong signature, nothing stored; 400 without PartnerParams; 413 beyond 1.5 MB', async () => {
    const timestamp = new Date().toISOString();
    expect((await post(callback('kyc-forged', sign(timestamp, 'wrong-key'), timestamp))).statusCode).toBe(401);
    expect((await stack.sql`select 1 from inbox_events where id like 'sid-kyc-forged%'`).length).toBe(0);
    expect((await post({ timestamp, signature: sign(timestamp) })).statusCode).toBe(400);
    expect(
      (await post({ ...callback('kyc-big', sign(timestamp), timestamp), pad: 'a'.repeat(1.6 * 1024 * 1024) }))
        .statusCode,
    ).toBe(413);
  });
});
