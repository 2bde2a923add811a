import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const sign = (timestamp: string, key = 'sandbox-smile-id-key') => createHmac('sha256', key).update(timestamp + 'sandbox-partner' + 'sid_request').digest('base64');
const callback = (jobId: string, signature: string, timestamp = new Date().toISOString()) => ({
  SmileJobID: '0000001',
  PartnerParams: { job_id: jobId, user_id: 'tenantId-x', job_type: 5 },
  ResultCode: '1012',
  ResultText: 'ID Number Validated',
  timestamp,
  signature,
});
const post = (body: unknown) => stack.app.inject({ method: 'POST', url: '/webhooks/smile-id', headers: { 'content-type': 'application/json' }, payload: body as object });

describe('POST /webhooks/smile-id', () => {
  it('stores a validly signed callback once, and answers a duplicate 200', async () => {
    const timestamp = new Date().toISOString();
    const body = callback('kyc-unknown-run', sign(timestamp), timestamp);
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).json().duplicate).toBe(true);
    const rows = await stack.sql`select state from inbox_events where id = 'sid-kyc-unknown-run-1012'`;
    expect(rows.map((r) => r.state)).toEqual(['orphan']);
  });

  it('401 for a wrong signature, nothing stored; 400 without PartnerParams; 413 beyond 1.5 MB', async () => {
    const timestamp = new Date().toISOString();
    expect((await post(callback('kyc-forged', sign(timestamp, 'wrong-key'), timestamp))).statusCode).toBe(401);
    expect((await stack.sql`select 1 from inbox_events where id like 'sid-kyc-forged%'`).length).toBe(0);
    expect((await post({ timestamp, signature: sign(timestamp) })).statusCode).toBe(400);
    expect((await post({ ...callback('kyc-big', sign(timestamp), timestamp), pad: 'a'.repeat(1.6 * 1024 * 1024) })).statusCode).toBe(413);
  });
});
